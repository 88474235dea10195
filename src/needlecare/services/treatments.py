"""Treatments and their recovery timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from needlecare.services import audit, clock, domain, protocols, roster, treatment_revisions
from needlecare.services.errors import Forbidden, Invalid
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, treatment_for
from needlecare.services.treatment_in_force import treatments_newest_first
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Device
from needlecare.storage.models import Treatment
from needlecare.storage.uow import UnitOfWork

MAX_TREATMENT_AGE = timedelta(days=3 * 366)
"""A treatment recorded now happened within the last few years: recovery takes weeks, and an
older date is a typo (1990 for 2026) that would put every check-in at day 13 000."""


@dataclass(frozen=True)
class TreatmentCreate:
    treatment_date: date
    depth_mm: float
    device: str
    areas: list[str] = field(default_factory=lambda: ["face"])
    fitzpatrick: int | None = None
    serum: str | None = None
    operator: str | None = None  # who performed the session (clinic staff record it)
    notes: str | None = None  # the clinic's notes on the session (staff only)
    next_session_date: date | None = None  # the next session the clinic plans (staff)


MAX_OPERATOR_CHARS = 200
MAX_NOTES_CHARS = 20_000
MAX_PLANNING = timedelta(days=2 * 366)  # a planned session further away is a typo in the year


def validate(data: TreatmentCreate, today: date) -> Device:
    if len(data.operator or "") > MAX_OPERATOR_CHARS:
        raise Invalid.field("operator", f"enter at most {MAX_OPERATOR_CHARS} characters")
    if len(data.notes or "") > MAX_NOTES_CHARS:
        raise Invalid.field("notes", f"enter at most {MAX_NOTES_CHARS} characters")
    try:
        device = Device(data.device)
    except ValueError:
        raise Invalid.field("device", "choose pen, roller, rf or stamp") from None
    if data.treatment_date > today:
        raise Invalid.field("treatment_date", "the treatment date cannot be in the future")
    if data.treatment_date < today - MAX_TREATMENT_AGE:
        raise Invalid.field(
            "treatment_date",
            f"enter a treatment from the last {MAX_TREATMENT_AGE.days // 366} years "
            f"(on or after {(today - MAX_TREATMENT_AGE).isoformat()})",
        )
    if data.fitzpatrick is not None and not 1 <= data.fitzpatrick <= 6:
        raise Invalid.field("fitzpatrick", "skin type must be 1 to 6")
    planned = data.next_session_date
    if planned is not None and planned <= data.treatment_date:
        raise Invalid.field("next_session_date", "plan the next session after this one")
    if planned is not None and planned > today + MAX_PLANNING:
        raise Invalid.field("next_session_date", "plan the next session within two years")
    document: dict[str, Any] = {
        "date": data.treatment_date.isoformat(),
        "depth_mm": data.depth_mm,
        "device": device.value,
        "areas": list(data.areas),
    }
    if data.serum:
        document["serum"] = data.serum
    domain.check_profile(document, {}, today, prefixes=("treatment",))
    return device


def create_treatment(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    data: TreatmentCreate,
    *,
    today: date | None = None,
) -> Treatment:
    """Record a treatment for a patient (their clinic's staff, or the patient). "In the
    future" is judged by the patient's local date (default), not UTC's."""
    if not actor.is_staff and (data.operator or data.notes or data.next_session_date):
        raise Forbidden("only clinic staff record the operator, notes and next session")
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        today = today or clock.patient_today(uow.session, patient.id, patient.clinic_id)
        device = validate(data, today)
        treatment = Treatment(
            patient_id=patient.id,
            treatment_date=data.treatment_date,
            depth_mm=float(data.depth_mm),
            device=device,
            areas=list(data.areas),
            fitzpatrick=data.fitzpatrick,
            serum=(data.serum or None),
            operator=(data.operator or "").strip() or None,
            notes=(data.notes or "").strip() or None,
            next_session_date=data.next_session_date,
            created_by=actor.user_id,
            created_at=utcnow(),
        )
        uow.session.add(treatment)
        uow.flush()
        roster.treatment_added(uow.session, patient.id, treatment.treatment_date)
        treatment_revisions.record_first(uow.session, treatment)
        audit.record_for_patient(
            uow.session, actor, "treatment.create", "treatment", treatment.id, patient
        )
        uow.commit()
        return treatment


def list_treatments(uow: UnitOfWork, actor: Principal, patient_id: int) -> Sequence[Treatment]:
    """A patient's treatments, most recent first."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        rows = uow.session.scalars(treatments_newest_first(patient.id)).all()
        audit.record_for_patient(
            uow.session, actor, "treatment.list", "patient", patient.id, patient
        )
        uow.commit()
        return rows


def treatment_page(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Treatment]:
    """`list_treatments` (most recent first), `limit` at a time after `after`."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        page = keyset_page(
            uow.session,
            select(Treatment).where(Treatment.patient_id == patient.id),
            (Treatment.treatment_date, Treatment.id),
            after=after,
            limit=limit,
            descending=True,
        )
        audit.record_for_patient(
            uow.session, actor, "treatment.list", "patient", patient.id, patient
        )
        uow.commit()
        return page


def get_timeline(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    treatment_id: int,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """The day-by-day recovery timeline of one treatment (the domain's timeline contract);
    "today" defaults to the patient's local date."""
    with uow:
        treatment = treatment_for(uow.session, actor, patient_id, treatment_id)
        patient_clinic = patient_for(uow.session, actor, patient_id).clinic_id
        today = today or clock.patient_today(uow.session, patient_id, patient_clinic)
        windows = protocols.in_force(uow.session, patient_clinic).windows  # clinic's protocol
        audit.record(
            uow.session,
            actor,
            "timeline.read",
            "treatment",
            treatment.id,
            clinic_id=patient_clinic,
            patient_id=patient_id,
        )
        uow.commit()
    return domain.timeline(treatment, today, windows)
