"""/settings/language: the person chooses the language of their pages, emails and PDFs."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_, language_choices
from needlecare.services import language
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, Viewer
from needlecare.web.pages.forms import FormBody, text
from needlecare.web.pages.rendering import PageRoute, flash, render

router = APIRouter(prefix="/settings", route_class=PageRoute, include_in_schema=False)
SAVED = N_("Your language is saved.")


def _page(
    request: Request, viewer: Principal, chosen: str | None, error: str = "", status: int = 200
) -> Response:
    context = {
        "title": N_("Language"),
        "choices": list(language_choices(chosen)),
        "follow_browser": chosen is None,
        "errors": {"language": error} if error else {},
    }
    return render(request, "settings/language.html", context, viewer=viewer, status_code=status)


@router.get("/language")
def language_page(request: Request, viewer: Viewer) -> Response:
    return _page(request, viewer, viewer.language)


@router.post("/language", dependencies=[CsrfChecked])
def choose_language(request: Request, form: FormBody, viewer: Viewer, uow: UowDep) -> Response:
    wanted = text(form, "language", 20)
    try:
        language.set_language(uow, viewer, None if wanted == "browser" else wanted)
    except Invalid:
        error = N_("Choose one of the languages listed.")
        return _page(request, viewer, viewer.language, error, status=422)
    flash(request, SAVED)
    return RedirectResponse("/settings/language", status_code=303)
