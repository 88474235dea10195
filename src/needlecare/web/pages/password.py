"""/settings/password: a logged-in person (patient or staff) changes their password. The
change ends every other session of the login; this browser's session is issued again with
the new session generation, so the person stays logged in here."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_
from needlecare.services import password_change
from needlecare.services.errors import Invalid
from needlecare.services.passwords import MIN_PASSWORD_LENGTH
from needlecare.services.principal import Principal
from needlecare.services.ratelimit import TooManyAttempts
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, Viewer
from needlecare.web.pages.forms import FormBody, inline_errors, text
from needlecare.web.pages.rendering import PageRoute, flash, render
from needlecare.web.security import login_session

router = APIRouter(prefix="/settings", route_class=PageRoute, include_in_schema=False)
CHANGED = N_("Your password is changed. You were logged out on every other device.")


def _page(
    request: Request, viewer: Principal, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    context = {
        "title": N_("Change my password"),
        "errors": errors or {},
        "min_password": MIN_PASSWORD_LENGTH,
    }
    return render(request, "settings/password.html", context, viewer=viewer, status_code=status)


@router.get("/password")
def password_page(request: Request, viewer: Viewer) -> Response:
    return _page(request, viewer)


@router.post("/password", dependencies=[CsrfChecked])
def change_password(request: Request, form: FormBody, viewer: Viewer, uow: UowDep) -> Response:
    current = text(form, "current_password", 1000)
    new, again = text(form, "new_password", 1000), text(form, "new_password_again", 1000)
    client_ip = request.client.host if request.client else None
    try:
        principal = password_change.change_password(
            uow, viewer, current, new, again=again, client_ip=client_ip
        )
    except TooManyAttempts as error:  # the login's lock: one service, one table
        response = _page(request, viewer, {"_form": error.message}, status=429)
        response.headers["Retry-After"] = str(error.retry_after_s)
        return response
    except Invalid as error:
        return _page(request, viewer, inline_errors(error), status=422)
    login_session(request, principal)  # this session, with the new generation
    flash(request, CHANGED)
    return RedirectResponse("/settings/password", status_code=303)
