"""Clinic pages: roster, patient page, invitations, audit log (the alert queue and the
check-in page live in `clinic_alerts`, settings in `clinic_settings`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.services import (
    catalogue,
    invitations,
    notes,
    patient_record,
    patients,
    recommendation_check,
    roster,
)
from needlecare.services.errors import Invalid
from needlecare.services.pagination import invalid_cursor
from needlecare.services.principal import Principal
from needlecare.storage.models import Treatment
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages import recommendation_form
from needlecare.web.pages.clinic_exports import DOWNLOADS
from needlecare.web.pages.clinic_treatments import treatments_context
from needlecare.web.pages.deps import CsrfChecked, StaffViewer
from needlecare.web.pages.forms import FormBody, inline_errors, text
from needlecare.web.pages.presenters import (
    charts_for,
    message_rows,
    treatment_view,
)
from needlecare.web.pages.rendering import PageRoute, flash, render
from needlecare.web.pages.shelf import shelf_view
from needlecare.web.pages.treatment_views import checkin_groups
from needlecare.web.pages.vocab import ROMAN
from needlecare.web.paging import Cursor, more_path, next_path, position

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)


# --- Roster and patient page ---------------------------------------------------------------


ROSTER_SHOWS = [
    {"value": "all", "label": "All patients"},
    {"value": "recovery", "label": f"In recovery (treated within {roster.RECOVERY_DAYS} days)"},
    {"value": "alert", "label": "With an open alert"},
    {"value": "missed", "label": "Missed a check-in"},
]
ROSTER_PAGE = 100
# The patient page's lists: the newest rows of each, older ones through its "more" link.
PATIENT_CHECKINS = 100
PATIENT_MESSAGES = 50
PATIENT_NOTES = 20
PATIENT_SESSIONS = 20
PATIENT_RECOMMENDATIONS = 20
CATALOGUE_CHOICES = 200  # the form's catalogue menu: the first products by name


@router.get("/patients")
def roster_page(
    request: Request,
    viewer: StaffViewer,
    uow: UowDep,
    q: str = "",
    show: str = "all",
    treated: str = "",
    cursor: Cursor = None,
) -> Response:
    filters = roster.RosterFilter(
        query=q,
        show=show if show in roster.SHOWS else "all",
        treated_on=_date_or_none(treated),
    )
    page = roster.roster(uow, viewer, filters, after=position(request, cursor), limit=ROSTER_PAGE)
    rows = [
        {
            **row.__dict__,
            "attention": row.attention.value if row.attention else None,
            "last_level": row.last_level.value if row.last_level else None,
            "last_at": row.last_checkin_at,
        }
        for row in page.items
    ]
    context = {
        "title": "Patients",
        "rows": rows,
        "q": q[:100],
        "show": filters.show,
        "shows": ROSTER_SHOWS,
        "treated": filters.treated_on.isoformat() if filters.treated_on else "",
        "filtered": bool(q.strip()) or filters.show != "all" or filters.treated_on is not None,
        "more_url": next_path(request, page.after),
        "continued": cursor is not None,
    }
    return render(request, "clinic/patients.html", context, viewer=viewer)


def _date_or_none(text: str) -> date | None:
    """A date typed in the filter (YYYY-MM-DD), None if empty; 422 if unreadable."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid.field("query.treated", "give the treatment date as YYYY-MM-DD") from None


def _sessions_page(
    rows: Sequence[Treatment], views: list[dict[str, Any]], after: Sequence[Any] | None
) -> tuple[list[dict[str, Any]], tuple[Any, ...] | None]:
    """PATIENT_SESSIONS sessions (newest first) after the one at `after` (date, id)."""
    keys = [(t.treatment_date, t.id) for t in rows]
    start = 0
    if after is not None:
        if len(after) != 2 or not isinstance(after[0], date) or not isinstance(after[1], int):
            raise invalid_cursor()
        start = next((i for i, key in enumerate(keys) if key < tuple(after)), len(keys))
    end = start + PATIENT_SESSIONS
    return views[start:end], keys[end - 1] if end < len(keys) else None


def _patient_page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    patient_id: int,
    *,
    errors: dict[str, str] | None = None,
    forms: dict[str, Any] | None = None,
    invite_link: str | None = None,
    rec_check: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    # Each list: its newest rows, and a "more" link with its own cursor (older rows).
    cursors = {
        name: request.query_params.get(name)
        for name in ("checkins", "messages", "notes", "sessions", "recs")
    }
    for name, value in cursors.items():
        if value is not None and len(value) > 500:
            raise Invalid.field(f"query.{name}", "this cursor is not valid")
    record = patient_record.patient_record(
        uow,
        viewer,
        patient_id,
        patient_record.Cursors(
            checkins=position(request, cursors["checkins"]),
            notes=position(request, cursors["notes"]),
            messages=position(request, cursors["messages"]),
            recommendations=position(request, cursors["recs"]),
            checkin_limit=PATIENT_CHECKINS,
            note_limit=PATIENT_NOTES,
            message_limit=PATIENT_MESSAGES,
            recommendation_limit=PATIENT_RECOMMENDATIONS,
        ),
    )
    patient, treatment_rows = record.patient, record.treatments
    latest = treatment_rows[0] if treatment_rows else None
    entry, day = None, None
    if record.timeline is not None:
        day = record.timeline.get("today")
        entry = next((d for d in record.timeline.get("days", []) if d.get("day") == day), None)
    here = f"/clinic/patients/{patient.id}"
    checkin_page, note_page, thread = record.checkins, record.notes, record.thread
    rows = list(reversed(checkin_page.items))  # oldest first, as charts and groups read them
    # Sessions: all are read (they number each other and head the check-in groups; a
    # patient has a handful), shown PATIENT_SESSIONS at a time after the cursor's session.
    series = treatments_context(treatment_rows)
    shown, sessions_after = _sessions_page(
        treatment_rows, series["sessions"], position(request, cursors["sessions"])
    )
    context = {
        "title": patient.display_name,
        "patient": {
            "id": patient.id,
            "display_name": patient.display_name,
            "email": patient.email,
            "fitzpatrick": patient.fitzpatrick,
            "fitzpatrick_roman": ROMAN.get(patient.fitzpatrick or 0),
            "acne_prone": patient.acne_prone,
            "history": list(patient.history),
            "has_login": patient.user_id is not None,
        },
        "treatment": treatment_view(latest) if latest else None,
        "entry": entry,
        "day": day,
        "last_level": (rows[-1].level.value if rows else None)
        if not cursors["checkins"]
        else (patient.last_level.value if patient.last_level else None),
        # The current treatment's chart: its check-ins are the newest (first page only).
        "charts": []
        if cursors["checkins"]
        else charts_for(
            [c for c in rows if latest is not None and c.treatment_id == latest.id],
            prefix=f"patient-{patient.id}",
        ),
        "checkin_groups": checkin_groups(
            rows, treatment_rows, lambda c: f"/clinic/patients/{patient.id}/checkins/{c.id}"
        ),
        "more": {
            "checkins": more_path(request, here, "checkins", checkin_page.after, cursors),
            "messages": more_path(request, here, "messages", thread.after, cursors),
            "notes": more_path(request, here, "notes", note_page.after, cursors),
            "sessions": more_path(request, here, "sessions", sessions_after, cursors),
            "recs": more_path(request, here, "recs", record.recommendations.after, cursors),
        },
        "continued": {name: value is not None for name, value in cursors.items()},
        **series,
        "sessions": shown,
        "notes": [{"body": n.body, "created_at": n.created_at} for n in note_page.items],
        "recommendations": record.recommendations.items,
        "shelf": shelf_view(record.shelf),
        "catalogue_options": [{"value": "", "label": "None: type it below"}]
        + [
            {"value": p.id, "label": p.name}
            for p in catalogue.catalogue_page(uow, viewer, limit=CATALOGUE_CHOICES).items
        ],
        "errors": errors or {},
        "forms": forms
        or {
            "note": {"body": ""},
            "rec": {"product_name": "", "inci_text": "", "note": "", "from_day": ""},
        },
        "rec_check": rec_check,
        "invite_link": invite_link,
        "downloads": DOWNLOADS,
        "thread": message_rows(list(reversed(thread.items))),  # oldest first, as it reads
        "reply_action": f"/clinic/patients/{patient_id}/messages",
        "reply_label": "Write to the patient",
        "reply_body": "",
    }
    return render(request, "clinic/patient.html", context, viewer=viewer, status_code=status_code)


@router.get("/patients/{patient_id}")
def patient_page(request: Request, patient_id: int, viewer: StaffViewer, uow: UowDep) -> Response:
    return _patient_page(request, viewer, uow, patient_id)


@router.post("/patients/{patient_id}/notes", dependencies=[CsrfChecked])
def add_note(
    request: Request, patient_id: int, form: FormBody, viewer: StaffViewer, uow: UowDep
) -> Response:
    body = text(form, "body")
    try:
        notes.add_note(uow, viewer, patient_id, body)
    except Invalid as error:
        forms = {
            "note": {"body": body},
            "rec": {"product_name": "", "inci_text": "", "note": "", "from_day": ""},
        }
        return _patient_page(
            request,
            viewer,
            uow,
            patient_id,
            errors=inline_errors(error),
            forms=forms,
            status_code=422,
        )
    flash(request, "Note added.")
    return RedirectResponse(f"/clinic/patients/{patient_id}#notes-heading", status_code=303)


@router.post("/patients/{patient_id}/recommendations", dependencies=[CsrfChecked])
def add_recommendation(
    request: Request, patient_id: int, form: FormBody, viewer: StaffViewer, uow: UowDep
) -> Response:
    rec = {
        "product_name": text(form, "product_name", 300),
        "inci_text": text(form, "inci_text"),
        "note": text(form, "note"),
    }
    typed_day, acknowledged, only_check = recommendation_form.read_extra(form)
    picked = text(form, "catalogue_id", 12)
    check = None
    try:
        if picked.isdigit():  # a pick from the catalogue fills what was left empty
            product = catalogue.get_product(uow, viewer, int(picked))
            rec["product_name"] = rec["product_name"] or product.name
            rec["inci_text"] = rec["inci_text"] or product.inci_text
        day = recommendation_form.from_day(typed_day)
        # The checker's verdict for each upcoming day, shown with the form.
        check = recommendation_check.check_recommendation(
            uow, viewer, patient_id, rec["inci_text"], from_day=day
        )
        if not only_check:
            data = notes.RecommendationCreate(**rec, from_day=day, acknowledge_avoid=acknowledged)
            notes.add_recommendation(uow, viewer, patient_id, data)
    except Invalid as error:
        only_check = False
        errors = inline_errors(error)
    else:
        errors = {}
    if only_check or errors:
        return _patient_page(
            request,
            viewer,
            uow,
            patient_id,
            errors=errors,
            forms={"note": {"body": ""}, "rec": {**rec, "from_day": typed_day}},
            rec_check=recommendation_form.check_view(check),
            status_code=422 if errors else 200,
        )
    flash(request, "Recommendation added.")
    return RedirectResponse(f"/clinic/patients/{patient_id}#recs-heading", status_code=303)


@router.post("/patients/{patient_id}/invite", dependencies=[CsrfChecked])
def reinvite(request: Request, patient_id: int, viewer: StaffViewer, uow: UowDep) -> Response:
    issued = invitations.invite_patient(uow, viewer, patient_id)
    return _patient_page(request, viewer, uow, patient_id, invite_link=_link(request, issued.token))


# --- Invitations ---------------------------------------------------------------------------


def _link(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/invite/{token}"


def _expires(issued: invitations.IssuedInvitation) -> str:
    return f"{issued.expires_at:%a} {issued.expires_at.day} {issued.expires_at:%b %Y}"


@router.get("/invite")
def invite_patient_form(request: Request, viewer: StaffViewer) -> Response:
    return render(
        request,
        "clinic/invite_patient.html",
        {
            "title": "Invite a patient",
            "form": {"display_name": "", "email": ""},
            "issued": None,
        },
        viewer=viewer,
    )


@router.post("/invite", dependencies=[CsrfChecked])
def invite_patient(request: Request, form: FormBody, viewer: StaffViewer, uow: UowDep) -> Response:
    values = {"display_name": text(form, "display_name", 300), "email": text(form, "email", 400)}
    try:
        patient, issued = invitations.invite_new_patient(
            uow,
            viewer,
            patients.PatientCreate(
                display_name=values["display_name"], email=values["email"].strip() or None
            ),
        )
    except Invalid as error:
        return render(
            request,
            "clinic/invite_patient.html",
            {
                "title": "Invite a patient",
                "form": values,
                "errors": inline_errors(error),
                "issued": None,
            },
            viewer=viewer,
            status_code=422,
        )
    return render(
        request,
        "clinic/invite_patient.html",
        {
            "title": "Invitation ready",
            "form": {"display_name": "", "email": ""},
            "issued": {
                "display_name": patient.display_name,
                "patient_id": patient.id,
                "link": _link(request, issued.token),
                "expires_label": _expires(issued),
            },
        },
        viewer=viewer,
    )
