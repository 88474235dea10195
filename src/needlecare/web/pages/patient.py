"""Patient pages: today, treatment, daily check-in and its result, history (the product
checker: `product_checker.py`)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from needlecare.i18n import N_, Text
from needlecare.services import checkins, clock, patients, treatments
from needlecare.services.errors import FieldError, Invalid
from needlecare.services.today import today_view
from needlecare.storage.enums import ALERT_LEVELS, Level
from needlecare.storage.models import Treatment
from needlecare.web.deps import UowDep
from needlecare.web.pages import checkin_form as cf
from needlecare.web.pages import checkin_questions as cq
from needlecare.web.pages.deps import CsrfChecked, PageVisit, PatientViewer, shown_to
from needlecare.web.pages.forms import FormBody, inline_errors, text, texts
from needlecare.web.pages.patient_course import latest_treatment, patient_id, patient_today
from needlecare.web.pages.presenters import (
    charts_for,
    checkin_row,
    day_label,
    message_rows,
    result_view,
    treatment_view,
)
from needlecare.web.pages.rendering import PageRoute, flash, page_locale, render
from needlecare.web.pages.treatment_views import checkin_groups, next_session
from needlecare.web.pages.vocab import AREAS, DEVICES, HISTORY, SKIN_TYPES
from needlecare.web.paging import Cursor, next_path, position

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# --- Today ---------------------------------------------------------------------------------


def _timeline_context(
    timeline: dict[str, Any], treatment: Treatment, today: date
) -> dict[str, Any]:
    days = [d for d in timeline.get("days", []) if isinstance(d, dict)]
    day = (today - treatment.treatment_date).days
    # After the last day of the timeline, its last entry still describes the skin best.
    entry = next((d for d in days if d.get("day") == day), days[-1] if days and day > 0 else None)
    coming_up: list[dict[str, Any]] = []
    phase = entry.get("phase") if entry else None
    for later in days:
        if later.get("day", 0) > day and later.get("phase") != phase and len(coming_up) < 3:
            phase = later.get("phase")
            later_date = treatment.treatment_date + timedelta(days=int(later["day"]))
            coming_up.append({**later, "date_label": day_label(later_date)})
    return {"entry": entry, "coming_up": coming_up, "day": day}


@router.get("/today")
def today_page(request: Request, visit: PageVisit, uow: UowDep) -> Response:
    # One unit of work, the viewer's included, and one audit row (services.today).
    view = today_view(uow, visit, shown_to(request))
    viewer = view.viewer.principal
    context: dict[str, Any] = {"title": N_("Today"), "treatment": None}
    treatment = view.treatment
    if treatment is not None and view.timeline is not None:
        context.update(_timeline_context(view.timeline, treatment, view.today))
        done_today = [
            c
            for c in view.recent_checkins
            if clock.local_date(c.created_at, *view.zones) == view.today
        ]
        context.update(
            treatment=treatment_view(treatment),
            today_label=day_label(view.today),
            checked_in_today=checkin_row(done_today[-1], "") if done_today else None,
            next_checkin_hint=N_("Check in once a day, at about the same time."),
            next_session=next_session(treatment),
        )
    context["thread"] = message_rows(view.thread)
    return render(request, "patient/today.html", context, viewer=viewer)


# --- Treatment -----------------------------------------------------------------------------

_TREATMENT_FIELDS = {
    "treatment.date": "treatment_date",
    "treatment.depth_mm": "depth_mm",
    "treatment.device": "device",
    "treatment.areas": "areas",
    "treatment.serum": "serum",
    "profile.fitzpatrick": "fitzpatrick",
    "profile.acne_prone": "acne_prone",
    "profile.history": "history",
}


def _treatment_form_context(
    form: dict[str, Any], errors: dict[str, str], today: date
) -> dict[str, Any]:
    return {
        "title": N_("Your treatment"),
        "form": form,
        "errors": errors,
        "action": "/treatment/new",
        "today_iso": today.isoformat(),
        "DEVICES": DEVICES,
        "AREAS": AREAS,
        "SKIN_TYPES": SKIN_TYPES,
        "HISTORY": HISTORY,
    }


@router.get("/treatment/new")
def treatment_form(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    patient = patients.get_patient(uow, viewer, patient_id(viewer))
    today = patient_today(uow, viewer)
    form = {
        "treatment_date": today.isoformat(),
        "depth_mm": "",
        "device": "pen",
        "areas": ["face"],
        "serum": "",
        "fitzpatrick": str(patient.fitzpatrick or ""),
        "acne_prone": "true" if patient.acne_prone else "false",
        "history": list(patient.history),
    }
    return render(
        request, "patient/treatment.html", _treatment_form_context(form, {}, today), viewer=viewer
    )


def _read_treatment(form: FormData) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {
        "treatment_date": text(form, "treatment_date", 20),
        "depth_mm": text(form, "depth_mm", 20),
        "device": text(form, "device", 20),
        "areas": texts(form, "areas"),
        "serum": text(form, "serum", 500),
        "fitzpatrick": text(form, "fitzpatrick", 2),
        "acne_prone": text(form, "acne_prone", 5),
        "history": texts(form, "history"),
    }
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    try:
        parsed["treatment_date"] = date.fromisoformat(values["treatment_date"])
    except ValueError:
        errors["treatment_date"] = "Enter the date of your treatment."
    try:
        parsed["depth_mm"] = float(values["depth_mm"].replace(",", "."))
    except ValueError:
        errors["depth_mm"] = "Enter the needle depth as a number of millimetres, e.g. 0.5."
    if not values["areas"]:
        errors["areas"] = "Tick at least one treated area."
    fitzpatrick = values["fitzpatrick"]
    if fitzpatrick and not (fitzpatrick.isdigit() and 1 <= int(fitzpatrick) <= 6):
        errors["fitzpatrick"] = "Choose a skin type, or Not sure."
    parsed["fitzpatrick"] = int(fitzpatrick) if fitzpatrick.isdigit() else None
    parsed["acne_prone"] = values["acne_prone"] == "true"
    return values, parsed, errors


@router.post("/treatment/new", dependencies=[CsrfChecked])
def record_treatment(
    request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep
) -> Response:
    values, parsed, errors = _read_treatment(form)
    today = patient_today(uow, viewer)
    if not errors:
        try:
            patient = patients.get_patient(uow, viewer, patient_id(viewer))
            patients.update_profile(
                uow,
                viewer,
                patient.id,
                patients.PatientCreate(
                    display_name=patient.display_name,
                    email=patient.email,
                    fitzpatrick=parsed["fitzpatrick"],
                    acne_prone=parsed["acne_prone"],
                    history=values["history"],
                ),
            )
            treatments.create_treatment(
                uow,
                viewer,
                patient.id,
                treatments.TreatmentCreate(
                    treatment_date=parsed["treatment_date"],
                    depth_mm=parsed["depth_mm"],
                    device=values["device"],
                    areas=values["areas"],
                    fitzpatrick=parsed["fitzpatrick"],
                    serum=values["serum"].strip() or None,
                ),
                today=today,
            )
        except Invalid as error:
            errors = inline_errors(error, lambda f: _TREATMENT_FIELDS.get(f, f))
        else:
            flash(request, N_("Treatment saved. Here is your day-by-day guide."))
            return RedirectResponse("/today", status_code=303)
    return render(
        request,
        "patient/treatment.html",
        _treatment_form_context(values, errors, today),
        viewer=viewer,
        status_code=422,
    )


# --- Check-in ------------------------------------------------------------------------------


def _checkin_context(
    day: int, form: dict[str, Any], errors: dict[str, str], key: str
) -> dict[str, Any]:
    return {
        "title": N_("Today's check-in"),
        "day": day,
        "form": form,
        "errors": errors,
        "summary_groups": cf.summary_groups(errors),
        "idempotency_key": key,
        "SCORE_QUESTIONS": cq.SCORE_QUESTIONS,
        "BREAKOUT_COUNTS": cq.BREAKOUT_COUNTS,
        "BREAKOUT_KINDS": cq.BREAKOUT_KINDS,
        "RED_FLAG_QUESTIONS": cq.RED_FLAG_QUESTIONS,
        "COMMON_QUESTIONS": cq.COMMON_QUESTIONS,
        "YES_NO": cq.YES_NO_OPTIONS,
        "TEMPERATURE_UNITS": cq.TEMPERATURE_UNITS,
        "WORSE_OPTIONS": cq.WORSE_OPTIONS,
        "BLEEDING_OPTIONS": cq.BLEEDING_OPTIONS,
        "PROMPTS": cq.PROMPTS,
    }


def _no_treatment(request: Request) -> Response:
    flash(request, N_("First tell NeedleCare about your treatment."))
    return RedirectResponse("/treatment/new", status_code=303)


@router.get("/checkin")
def checkin_page(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    treatment = latest_treatment(uow, viewer)
    if treatment is None:
        return _no_treatment(request)
    day = (patient_today(uow, viewer) - treatment.treatment_date).days
    values, errors = cf.blank_form(), {}
    complete = request.query_params.get("complete", "")
    if complete.isdigit():  # ask again for what a kept check-in was missing
        earlier = checkins.get_checkin(uow, viewer, patient_id(viewer), int(complete))
        given = earlier.triage_input or {}
        field_errors = (earlier.triage_result or {}).get("field_errors")
        values = cf.values_from(
            given.get("symptoms") or {}, given.get("products") or [], field_errors
        )
        errors = cf.missing_answers(field_errors)
    context = _checkin_context(day, values, errors, uuid.uuid4().hex)
    return render(request, "patient/checkin.html", context, viewer=viewer)


@router.post("/checkin", dependencies=[CsrfChecked])
def submit_checkin(
    request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep
) -> Response:
    values = cf.form_values(form)
    key = text(form, "idempotency_key", 200) or uuid.uuid4().hex
    parsed = cf.to_symptoms(values)
    errors = dict(parsed.errors)
    if not errors or parsed.has_red_flag:  # a red flag is stored, whatever else is missing
        missing = tuple(
            FieldError(path, message, parsed.given.get(path))
            for path, message in parsed.missing.items()
        )
        try:
            outcome = checkins.submit_checkin(
                uow,
                viewer,
                patient_id(viewer),
                checkins.CheckinCreate(
                    symptoms=parsed.symptoms, products=parsed.products, missing=missing
                ),
                idempotency_key=key,
            )
        except Invalid as error:
            if any(e.field == "treatment_id" for e in error.errors):
                return _no_treatment(request)
            errors = inline_errors(error, cf.field_for)
        else:
            return RedirectResponse(f"/checkins/{outcome.checkin.id}", status_code=303)
    treatment = latest_treatment(uow, viewer)
    day = (patient_today(uow, viewer) - treatment.treatment_date).days if treatment else 0
    return render(
        request,
        "patient/checkin.html",
        _checkin_context(day, values, errors, key),
        viewer=viewer,
        status_code=422,
    )


@router.get("/checkins/{checkin_id}")
def checkin_result(request: Request, checkin_id: int, visit: PageVisit, uow: UowDep) -> Response:
    # One unit of work, the viewer's included (services.viewer).
    seen, checkin = checkins.result_page(uow, visit, shown_to(request), checkin_id)
    viewer = seen.principal
    context = result_view(checkin, page_locale(request, viewer))
    context.update(
        title=Text("Check-in result, day {day}", day=checkin.day),
        missing_answers={
            name: cq.PROMPTS.get(name, name)
            for name in cf.missing_answers((checkin.triage_result or {}).get("field_errors"))
        },
        alert_sent=viewer.clinic_id is not None and Level(checkin.level) in ALERT_LEVELS,
    )
    return render(request, "patient/result.html", context, viewer=viewer)


# --- History -------------------------------------------------------------------------------


HISTORY_PAGE = 200
"""Check-ins per history page, newest first; older ones follow through the "Older check-ins"
link (a signed cursor), so none is cut off silently."""


@router.get("/history")
def history_page(
    request: Request, viewer: PatientViewer, uow: UowDep, cursor: Cursor = None
) -> Response:
    page = checkins.checkin_page(
        uow,
        viewer,
        patient_id(viewer),
        after=position(request, cursor),
        limit=HISTORY_PAGE,
        newest_first=True,
    )
    rows = list(reversed(page.items))  # oldest first, as the charts and groups read them
    series = treatments.list_treatments(uow, viewer, patient_id(viewer))
    latest = series[0] if series else None
    # Days count from each check-in's own treatment: chart only the current one (and only
    # on the first page: the newest check-ins are the current treatment's).
    current = [c for c in rows if latest is not None and c.treatment_id == latest.id]
    context = {
        "title": N_("My history"),
        "charts": [] if cursor else charts_for(current, locale=page_locale(request, viewer)),
        "checkin_groups": checkin_groups(rows, series, lambda c: f"/checkins/{c.id}"),
        "more_url": next_path(request, page.after),
        "continued": cursor is not None,
    }
    return render(request, "patient/history.html", context, viewer=viewer)
