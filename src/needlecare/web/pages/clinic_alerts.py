"""The clinic's alert queue (one row per patient, filters, assignment, acknowledge, resolve
with an optional message to the patient) and the clinician's check-in page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.services import alert_queue, alert_queue_actions, alerts, checkin_review, messages
from needlecare.services.alert_queue_page import alerts_page
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.storage.enums import AlertState, Level
from needlecare.storage.uow import UnitOfWork
from needlecare.triage.localize import localize_findings
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, PageVisit, StaffViewer, shown_to
from needlecare.web.pages.forms import FormBody, text
from needlecare.web.pages.presenters import age_label, answers_of, message_rows, result_view
from needlecare.web.pages.rendering import PageRoute, flash, page_locale, render
from needlecare.web.pages.vocab import humanize
from needlecare.web.paging import more_path, next_path, position

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)
CHECKIN_MESSAGES = 50  # the newest messages on the check-in page; older ones on the patient's

LEVEL_FILTERS = [
    {"value": "", "label": "Any level"},
    {"value": "urgent", "label": "Urgent"},
    {"value": "contact_clinic", "label": "Contact clinic"},
]
STATE_FILTERS = [
    {"value": "", "label": "Open and acknowledged"},
    {"value": "open", "label": "Not yet seen"},
    {"value": "acknowledged", "label": "Acknowledged"},
]


def _filters(user_id: int, level: str, state: str, mine: str) -> alert_queue.QueueFilter:
    return alert_queue.QueueFilter(
        level=Level(level) if level in ("urgent", "contact_clinic") else None,
        state=AlertState(state) if state in ("open", "acknowledged") else None,
        assigned_to=user_id if mine == "1" else None,
    )


def _row_view(row: alert_queue.QueueRow, locale: str) -> dict[str, Any]:
    return {
        **row.__dict__,
        "level": row.level.value if row.level else None,
        "state": row.state.value if row.state else None,
        "waiting_label": age_label(row.waiting_since),
        # Short names in the row (one line each); the full sentences on hover and on the
        # check-in page.
        "key_findings": ", ".join(humanize(f.get("code", "")) for f in row.findings[:2])
        or ("Missed check-in" if row.kind == "missed" else ""),
        # Stored in English with their rule codes: said in the clinician's language.
        "findings_text": " ".join(
            f.get("text", "") for f in localize_findings(locale, row.findings, staff=True)
        ),
        "more_findings": max(len(row.findings) - 2, 0),
    }


@router.get("/alerts")
def queue_page(
    request: Request,
    visit: PageVisit,
    uow: UowDep,
    level: str = "",
    state: str = "",
    mine: str = "",
    cursor: str | None = None,
) -> Response:
    # The visit's login is the viewer's once the service has checked it ("mine").
    filters = _filters(visit.user_id, level, state, mine)
    # A page at a time, what needs attention first; "more" carries on from the last row.
    # One unit of work: the viewer, the page of the queue, the staff to assign to, the
    # clinic's contact.
    after = position(request, cursor)
    shown = alerts_page(uow, visit, shown_to(request), filters, after=after)
    page, contact, viewer = shown.page, shown.contact, shown.viewer.principal
    context = {
        "title": "Alerts",
        "rows": [_row_view(row, page_locale(request, viewer)) for row in page.items],
        "more": next_path(request, page.after),
        "continued": cursor is not None,
        "filtered": filters != alert_queue.QueueFilter(),
        "form": {"level": level, "state": state, "mine": mine},
        "LEVEL_FILTERS": LEVEL_FILTERS,
        "STATE_FILTERS": STATE_FILTERS,
        "staff": shown.staff,
        "missing_contact": contact.missing if contact else [],
    }
    return render(request, "clinic/alerts.html", context, viewer=viewer)


def _back(form_next: str, fallback: str) -> str:
    if form_next.startswith("/clinic/") and "//" not in form_next and "\\" not in form_next:
        return form_next
    return fallback


@router.post("/alerts/{alert_id}/acknowledge", dependencies=[CsrfChecked])
def acknowledge_alert(
    request: Request, form: FormBody, alert_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    alerts.acknowledge(uow, viewer, alert_id)  # 409 on a resolved one, as before
    alert_queue_actions.acknowledge_row(uow, viewer, alert_id)
    flash(request, "Acknowledged: the patient's alerts are marked as seen.")
    return RedirectResponse(_back(text(form, "next", 300), "/clinic/alerts"), status_code=303)


@router.post("/alerts/{alert_id}/assign", dependencies=[CsrfChecked])
def assign_alert(
    request: Request, form: FormBody, alert_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    raw = text(form, "assignee_id", 20)
    try:
        alert_queue_actions.assign(uow, viewer, alert_id, int(raw) if raw.isdigit() else None)
    except Invalid as error:
        flash(request, f"Not assigned: {error.errors[0].message}.")
    else:
        flash(request, "Assigned." if raw.isdigit() else "Unassigned.")
    return RedirectResponse(_back(text(form, "next", 300), "/clinic/alerts"), status_code=303)


@router.post("/alerts/{alert_id}/resolve", dependencies=[CsrfChecked])
def resolve_alert(
    request: Request, form: FormBody, alert_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    note = text(form, "note")
    tell_patient = text(form, "tell_patient", 5) == "1"
    try:
        if tell_patient:
            messages.checked_body(note, "note")  # checked first: never resolve then fail
        alert = alerts.resolve(uow, viewer, alert_id, note)
    except Invalid as error:
        # The page again, with what was typed and the reason next to the field.
        patient_id, checkin_id = checkin_review.alert_checkin(uow, viewer, alert_id)
        errors = {"note": error.errors[0].message.capitalize() + "."}
        return _checkin_page(
            request, viewer, uow, patient_id, checkin_id, errors=errors, note=note, status=422
        )
    if tell_patient:
        messages.send_to_patient(uow, viewer, alert.patient_id, note, alert_id=alert.id)
        flash(request, "Alert resolved, and the note was sent to the patient as a message.")
    else:
        flash(request, "Alert resolved. The note is on the alert (the patient was not told).")
    return RedirectResponse(_back(text(form, "next", 300), "/clinic/alerts"), status_code=303)


@router.get("/patients/{patient_id}/checkins/{checkin_id}")
def checkin_page(
    request: Request, patient_id: int, checkin_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    return _checkin_page(request, viewer, uow, patient_id, checkin_id)


def _checkin_page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    patient_id: int,
    checkin_id: int,
    *,
    errors: dict[str, str] | None = None,
    note: str = "",
    status: int = 200,
) -> Response:
    found = checkin_review.review(uow, viewer, patient_id, checkin_id)
    thread = messages.thread_page(
        uow, viewer, patient_id, limit=CHECKIN_MESSAGES, newest_first=True
    )
    here = f"/clinic/patients/{patient_id}/checkins/{checkin_id}"
    alert = found.alert
    previous = found.previous
    context: dict[str, Any] = {
        **result_view(found.checkin, page_locale(request, viewer), staff=True),
        "title": f"Check-in, day {found.checkin.day}",
        "patient_id": patient_id,
        "here": here,
        "answers": answers_of(found.checkin),
        "previous": {
            **result_view(previous, page_locale(request, viewer), staff=True),
            "answers": answers_of(previous),
            "href": f"/clinic/patients/{patient_id}/checkins/{previous.id}",
        }
        if previous
        else None,
        "photos": [{"id": p.id, "area": p.area, "day": p.day} for p in found.photos],
        "alert": {
            "id": alert.id,
            "state": alert.state.value,
            "level": alert.level.value,
            "assigned_to": alert.assigned_to,
            "resolution_note": alert.resolution_note,
            "age_label": age_label(alert.created_at),
        }
        if alert
        else None,
        "staff": alert_queue_actions.clinicians(uow, viewer),
        # The newest messages; older ones on the patient page, from where these end.
        "thread": message_rows(list(reversed(thread.items))),
        "earlier_messages": more_path(
            request, f"/clinic/patients/{patient_id}", "messages", thread.after, {}
        ),
        "reply_action": f"/clinic/patients/{patient_id}/messages",
        "reply_label": "Reply to the patient",
        "reply_body": "",
        "alert_id": alert.id if alert else None,
        "next": here,
        "errors": errors or {},
        "note": note,
    }
    return render(request, "clinic/checkin.html", context, viewer=viewer, status_code=status)
