"""Clinic pages for a patient's treatments: record a session, edit a record (every change
kept as a revision and audited), plan the next session against the reference's date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from needlecare.services import clock, patients, treatment_edits, treatments
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.services.treatments import TreatmentCreate
from needlecare.storage.models import Treatment
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, StaffViewer
from needlecare.web.pages.forms import FormBody, inline_errors, text, texts
from needlecare.web.pages.presenters import day_label
from needlecare.web.pages.rendering import PageRoute, flash, render
from needlecare.web.pages.treatment_views import next_session, session_rows
from needlecare.web.pages.vocab import AREAS, DEVICES

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)

FIELD_LABELS = {
    "treatment_date": "Date",
    "depth_mm": "Depth",
    "device": "Device",
    "areas": "Areas",
    "serum": "Serum",
    "operator": "Operator",
    "notes": "Notes",
    "next_session_date": "Next session",
}
_SERVICE_FIELDS = {"treatment.date": "treatment_date", "treatment.depth_mm": "depth_mm"}
_SERVICE_FIELDS |= {"treatment.device": "device", "treatment.areas": "areas"}
_SERVICE_FIELDS |= {"treatment.serum": "serum"}


def treatments_context(rows: Sequence[Treatment]) -> dict[str, Any]:
    """What the patient page shows of the series: every session and the next one."""
    return {
        "sessions": session_rows(rows),
        "next_session": next_session(rows[0]) if rows else None,
    }


def _blank(today: date) -> dict[str, Any]:
    return {
        "treatment_date": today.isoformat(),
        "depth_mm": "",
        "device": "pen",
        "areas": ["face"],
        "serum": "",
        "operator": "",
        "notes": "",
        "next_session_date": "",
    }


def _values_of(treatment: Treatment) -> dict[str, Any]:
    return {
        "treatment_date": treatment.treatment_date.isoformat(),
        "depth_mm": f"{treatment.depth_mm:g}",
        "device": treatment.device.value,
        "areas": list(treatment.areas),
        "serum": treatment.serum or "",
        "operator": treatment.operator or "",
        "notes": treatment.notes or "",
        "next_session_date": treatment.next_session_date.isoformat()
        if treatment.next_session_date
        else "",
    }


def _read(form: FormData) -> tuple[dict[str, Any], TreatmentCreate | None, dict[str, str]]:
    values: dict[str, Any] = {
        "treatment_date": text(form, "treatment_date", 20),
        "depth_mm": text(form, "depth_mm", 20),
        "device": text(form, "device", 20),
        "areas": texts(form, "areas")[:10],
        "serum": text(form, "serum", 2000),
        "operator": text(form, "operator", 300),
        "notes": text(form, "notes"),
        "next_session_date": text(form, "next_session_date", 20),
    }
    errors: dict[str, str] = {}
    treated = planned = None
    depth = 0.0
    try:
        treated = date.fromisoformat(values["treatment_date"])
    except ValueError:
        errors["treatment_date"] = "Enter the date of the session."
    try:
        depth = float(values["depth_mm"].replace(",", "."))
    except ValueError:
        errors["depth_mm"] = "Enter the needle depth in millimetres, e.g. 1.0."
    if not values["areas"]:
        errors["areas"] = "Tick at least one treated area."
    if values["next_session_date"].strip():
        try:
            planned = date.fromisoformat(values["next_session_date"].strip())
        except ValueError:
            errors["next_session_date"] = "Enter the planned date, or leave it empty."
    if errors or treated is None:
        return values, None, errors
    data = TreatmentCreate(
        treatment_date=treated,
        depth_mm=depth,
        device=values["device"],
        areas=values["areas"],
        serum=values["serum"],
        operator=values["operator"],
        notes=values["notes"],
        next_session_date=planned,
    )
    return values, data, errors


def _form_page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    patient_id: int,
    form: dict[str, Any],
    errors: dict[str, str],
    treatment: Treatment | None = None,
    status_code: int = 200,
) -> Response:
    patient = patients.get_patient(uow, viewer, patient_id)
    base = f"/clinic/patients/{patient_id}/treatments"
    context: dict[str, Any] = {
        "title": "Edit treatment" if treatment else "Record a session",
        "patient": {"id": patient.id, "display_name": patient.display_name},
        "form": form,
        "errors": errors,
        "action": f"{base}/{treatment.id}" if treatment else f"{base}/new",
        "editing": treatment is not None,
        "DEVICES": DEVICES,
        "AREAS": AREAS,
        "revisions": [],
        "next_session": next_session(treatment) if treatment else None,
    }
    if treatment is not None:
        context["revisions"] = [
            {
                "revision": r.revision,
                "changed_at": r.changed_at,
                "changed": [FIELD_LABELS.get(f, f) for f in r.changed_fields],
                "record": r.record,
            }
            for r in reversed(treatment_edits.list_revisions(uow, viewer, patient_id, treatment.id))
        ]
        context["date_label"] = day_label(treatment.treatment_date)
    return render(request, "clinic/treatment.html", context, viewer=viewer, status_code=status_code)


def _invalid(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    treatment: Treatment | None,
) -> Response:
    return _form_page(request, viewer, uow, patient_id, values, errors, treatment, 422)


@router.get("/patients/{patient_id}/treatments/new")
def new_session_form(
    request: Request, patient_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    today = clock.today_for(uow, viewer, patient_id)  # the patient's date
    return _form_page(request, viewer, uow, patient_id, _blank(today), {})


@router.post("/patients/{patient_id}/treatments/new", dependencies=[CsrfChecked])
def record_session(
    request: Request, patient_id: int, form: FormBody, viewer: StaffViewer, uow: UowDep
) -> Response:
    values, data, errors = _read(form)
    if data is not None:
        try:
            treatments.create_treatment(uow, viewer, patient_id, data)
        except Invalid as error:
            errors = inline_errors(error, lambda f: _SERVICE_FIELDS.get(f, f))
        else:
            flash(request, "Session recorded. The patient's timeline now follows it.")
            return RedirectResponse(
                f"/clinic/patients/{patient_id}#treatment-heading", status_code=303
            )
    return _invalid(request, viewer, uow, patient_id, values, errors, None)


@router.get("/patients/{patient_id}/treatments/{treatment_id}")
def edit_form(
    request: Request, patient_id: int, treatment_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    treatment = treatment_edits.get_treatment(uow, viewer, patient_id, treatment_id)
    return _form_page(request, viewer, uow, patient_id, _values_of(treatment), {}, treatment)


@router.post("/patients/{patient_id}/treatments/{treatment_id}", dependencies=[CsrfChecked])
def save_edit(
    request: Request,
    patient_id: int,
    treatment_id: int,
    form: FormBody,
    viewer: StaffViewer,
    uow: UowDep,
) -> Response:
    treatment = treatment_edits.get_treatment(uow, viewer, patient_id, treatment_id)
    values, data, errors = _read(form)
    if data is not None:
        try:
            _, revision = treatment_edits.update_treatment(
                uow, viewer, patient_id, treatment_id, data
            )
        except Invalid as error:
            errors = inline_errors(error, lambda f: _SERVICE_FIELDS.get(f, f))
        else:
            flash(request, "Treatment updated." if revision else "Nothing changed.")
            return RedirectResponse(
                f"/clinic/patients/{patient_id}#treatment-heading", status_code=303
            )
    return _invalid(request, viewer, uow, patient_id, values, errors, treatment)
