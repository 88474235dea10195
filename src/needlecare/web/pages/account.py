"""The patient's account page: download my data, reminder time and pause, delete my account.
The download and the deletion existed only in the API (bearer token); here they work with
the page session and the CSRF-checked forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_, Text, localize
from needlecare.services import account, deletion, my_data
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.downloads import attachment
from needlecare.web.pages.deps import CsrfChecked, PatientViewer
from needlecare.web.pages.forms import FormBody, inline_errors, text
from needlecare.web.pages.rendering import PageRoute, flash, page_locale, render
from needlecare.web.security import logout_session

router = APIRouter(prefix="/account", route_class=PageRoute, include_in_schema=False)


def _page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    settings = account.reminder_settings(uow, viewer)
    context = {
        "title": N_("My account"),
        "reminders": settings,
        "errors": errors or {},
        "form": form
        or {
            "local_time": settings.local_time if settings.own_time else "",
            "paused": settings.paused,
            "confirm": "",
        },
        # The phrase in the page's language (the form accepts it, or the English one).
        "confirmation": localize(page_locale(request, viewer), deletion.DELETE_CONFIRMATION),
    }
    return render(request, "patient/account.html", context, viewer=viewer, status_code=status_code)


@router.get("")
def account_page(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    return _page(request, viewer, uow)


@router.get("/download")
def download_my_data(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    data_dir = request.app.state.settings.data_dir
    return attachment(my_data.my_data_export(uow, viewer, data_dir=data_dir))


@router.post("/reminders", dependencies=[CsrfChecked])
def save_reminders(
    request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep
) -> Response:
    values = {"local_time": text(form, "local_time", 10), "paused": text(form, "paused", 5)}
    paused = values["paused"] == "true"
    try:
        account.set_reminders(uow, viewer, local_time=values["local_time"], paused=paused)
    except Invalid as error:
        filled = {"local_time": values["local_time"], "paused": paused, "confirm": ""}
        return _page(
            request, viewer, uow, errors=inline_errors(error), form=filled, status_code=422
        )
    flash(request, "Reminders paused." if paused else "Reminder settings saved.")
    return RedirectResponse("/account#reminders-heading", status_code=303)


@router.post("/delete", dependencies=[CsrfChecked])
def delete_account(
    request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep
) -> Response:
    typed = text(form, "confirm", 100)
    phrase = localize(page_locale(request, viewer), deletion.DELETE_CONFIRMATION)
    confirmed = deletion.DELETE_CONFIRMATION if typed.strip() == phrase else typed
    try:
        deletion.delete_my_data(
            uow, viewer, confirmed, data_dir=request.app.state.settings.data_dir
        )
    except Invalid:
        settings = account.reminder_settings(uow, viewer)
        filled = {
            "local_time": settings.local_time if settings.own_time else "",
            "paused": settings.paused,
            "confirm": typed,
        }
        message = Text(
            "Type {phrase} exactly, in capitals, to delete your account.",
            phrase=Text(deletion.DELETE_CONFIRMATION),
        )
        return _page(
            request, viewer, uow, errors={"confirm": message}, form=filled, status_code=422
        )
    logout_session(request)
    flash(request, N_("Your account and everything NeedleCare stored about you are deleted."))
    return RedirectResponse("/login", status_code=303)
