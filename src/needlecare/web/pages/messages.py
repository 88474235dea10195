"""Message pages: the patient's thread with their clinic (read and reply), and the clinic's
reply to a patient (from the patient page, an alert or a check-in)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_
from needlecare.services import messages
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, PatientViewer, StaffViewer
from needlecare.web.pages.forms import FormBody, text
from needlecare.web.pages.presenters import message_rows
from needlecare.web.pages.rendering import PageRoute, flash, render
from needlecare.web.paging import Cursor, next_path, position

router = APIRouter(route_class=PageRoute, include_in_schema=False)

THREAD_PAGE = 50
"""Messages on the patient's page, the newest; older ones through "Earlier messages"."""


def _patient_thread(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    *,
    errors: dict[str, str] | None = None,
    body: str = "",
    status_code: int = 200,
    cursor: str | None = None,
) -> Response:
    assert viewer.patient_id is not None  # guaranteed by PatientViewer
    page = messages.thread_page(
        uow,
        viewer,
        viewer.patient_id,
        after=position(request, cursor),
        limit=THREAD_PAGE,
        newest_first=True,
    )
    context = {
        "title": N_("Messages"),
        "thread": message_rows(list(reversed(page.items))),  # oldest first, as a thread reads
        "earlier_url": next_path(request, page.after),
        "continued": cursor is not None,
        "has_clinic": viewer.clinic_id is not None,
        "reply_action": "/messages",
        "reply_label": N_("Write to your clinic"),
        "reply_body": body,
        "errors": errors or {},
    }
    return render(request, "patient/messages.html", context, viewer=viewer, status_code=status_code)


@router.get("/messages")
def patient_messages(
    request: Request, viewer: PatientViewer, uow: UowDep, cursor: Cursor = None
) -> Response:
    return _patient_thread(request, viewer, uow, cursor=cursor)


@router.post("/messages", dependencies=[CsrfChecked])
def patient_reply(request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep) -> Response:
    body = text(form, "message", messages.MAX_BODY + 100)
    try:
        message = messages.send_to_clinic(uow, viewer, body)
    except Invalid as error:
        errors = {"message": error.errors[0].message.capitalize() + "."}
        return _patient_thread(request, viewer, uow, errors=errors, body=body, status_code=422)
    flash(request, N_("Message sent to your clinic."))
    return RedirectResponse(f"/messages#message-{message.id}", status_code=303)


def _safe_next(value: str, patient_id: int) -> str:
    # Only back to a clinic page (never an outside address).
    if value.startswith("/clinic/") and "//" not in value and "\\" not in value:
        return value
    return f"/clinic/patients/{patient_id}#messages-heading"


@router.post("/clinic/patients/{patient_id}/messages", dependencies=[CsrfChecked])
def clinic_reply(
    request: Request, patient_id: int, form: FormBody, viewer: StaffViewer, uow: UowDep
) -> Response:
    body = text(form, "message", messages.MAX_BODY + 100)
    alert_raw = text(form, "alert_id", 20)
    target = _safe_next(text(form, "next", 300), patient_id)
    alert_id = int(alert_raw) if alert_raw.isdigit() else None
    try:
        messages.send_to_patient(uow, viewer, patient_id, body, alert_id=alert_id)
    except Invalid as error:
        flash(request, f"Not sent: {error.errors[0].message}.")
        return RedirectResponse(target, status_code=303)
    flash(request, N_("Message sent. The patient sees it on their Today page and gets an email."))
    return RedirectResponse(target, status_code=303)
