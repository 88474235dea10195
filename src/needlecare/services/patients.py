"""Patients: the clinic roster, one patient's record, a patient's own profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from needlecare.services import audit, domain
from needlecare.services.auth import normalize_email
from needlecare.services.errors import Invalid
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, require_staff, visible_patients
from needlecare.storage.base import utcnow
from needlecare.storage.models import Patient
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PatientCreate:
    display_name: str
    email: str | None = None
    fitzpatrick: int | None = None
    acne_prone: bool = False
    history: list[str] = field(default_factory=list)


def _clean(data: PatientCreate) -> PatientCreate:
    name = data.display_name.strip()
    if not name or len(name) > 200:
        raise Invalid.field("display_name", "enter a name (1 to 200 characters)")
    email = normalize_email(data.email) if data.email else None
    if data.fitzpatrick is not None and not 1 <= data.fitzpatrick <= 6:
        raise Invalid.field("fitzpatrick", "skin type must be 1 to 6")
    profile = {"acne_prone": data.acne_prone, "history": list(data.history)}
    if data.fitzpatrick is not None:
        profile["fitzpatrick"] = data.fitzpatrick
    # Only the profile is checked, against a probe treatment on the same day: no patient
    # "today" is involved, so one UTC date read once is enough.
    probe_day = utcnow().date()
    probe_treatment = {
        "date": probe_day.isoformat(),
        "depth_mm": 0.5,
        "device": "pen",
        "areas": ["face"],
    }
    domain.check_profile(probe_treatment, profile, probe_day, prefixes=("profile",))
    return PatientCreate(name, email, data.fitzpatrick, data.acne_prone, list(data.history))


def create_patient(uow: UnitOfWork, actor: Principal, data: PatientCreate) -> Patient:
    """Staff add a patient to their clinic's roster."""
    clinic_id = require_staff(actor)
    clean = _clean(data)
    with uow:
        patient = Patient(
            clinic_id=clinic_id,
            display_name=clean.display_name,
            email=clean.email,
            fitzpatrick=clean.fitzpatrick,
            acne_prone=clean.acne_prone,
            history=clean.history,
            created_at=utcnow(),
        )
        uow.session.add(patient)
        uow.flush()
        audit.record(
            uow.session,
            actor,
            "patient.create",
            "patient",
            patient.id,
            clinic_id=clinic_id,
            patient_id=patient.id,
        )
        uow.commit()
        return patient


def patient_page(
    uow: UnitOfWork,
    actor: Principal,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Patient]:
    """The patients the actor may see, by id (a new patient joins the last page, so paging
    while patients are added loses and repeats none), `limit` at a time after `after`."""
    with uow:
        page = keyset_page(
            uow.session, visible_patients(actor), (Patient.id,), after=after, limit=limit
        )
        audit.record(
            uow.session,
            actor,
            "patient.list",
            "patient",
            None,
            clinic_id=actor.clinic_id,
            patient_id=actor.patient_id,
        )
        uow.commit()
        return page


def get_patient(uow: UnitOfWork, actor: Principal, patient_id: int) -> Patient:
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        audit.record_for_patient(uow.session, actor, "patient.read", "patient", patient.id, patient)
        uow.commit()
        return patient


def update_profile(
    uow: UnitOfWork, actor: Principal, patient_id: int, data: PatientCreate
) -> Patient:
    """Update name, skin type and history (staff of the clinic, or the patient)."""
    clean = _clean(data)
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        patient.display_name = clean.display_name
        patient.email = clean.email if actor.is_staff else patient.email
        patient.fitzpatrick = clean.fitzpatrick
        patient.acne_prone = clean.acne_prone
        patient.history = clean.history
        audit.record_for_patient(
            uow.session, actor, "patient.update", "patient", patient.id, patient
        )
        uow.commit()
        return patient
