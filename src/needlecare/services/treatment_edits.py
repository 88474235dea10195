"""The clinic edits a treatment record and plans the next session. Every change is audited
(`treatment.update`) and kept as a revision; the timeline, triage and reminders read the
row, so they follow the edited treatment from the next request on. Check-ins already made
keep the day and result they were given: what the patient said is never rewritten."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from needlecare.knowledge import sessions
from needlecare.services import (
    audit,
    clock,
    outcome_rows,
    roster,
    schedule_wake,
    treatment_revisions,
)
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, require_staff, treatment_for
from needlecare.services.treatments import TreatmentCreate, validate
from needlecare.storage.enums import Device
from needlecare.storage.models import Treatment, TreatmentRevision
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class NextSessionView:
    planned: date | None  # set by the clinic
    reasonable_from: date  # from the reference: minimum interval for the depth band
    condition: str  # and the skin must have recovered
    cite: tuple[str, ...]
    too_early: bool  # planned before the reference's reasonable date


def next_session_view(treatment: Treatment) -> NextSessionView:
    rule = sessions.next_session(
        treatment.treatment_date, treatment.depth_mm, Device(treatment.device)
    )
    planned = treatment.next_session_date
    return NextSessionView(
        planned=planned,
        reasonable_from=rule.reasonable_from,
        condition=rule.condition,
        cite=rule.cite,
        too_early=planned is not None and planned < rule.reasonable_from,
    )


def update_treatment(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    treatment_id: int,
    data: TreatmentCreate,
    *,
    today: date | None = None,
) -> tuple[Treatment, TreatmentRevision | None]:
    """Staff of the patient's clinic correct or complete a treatment record (the patient's
    skin type stays on their profile). Returns the record and its new revision (None when
    nothing changed: no revision, no audit entry)."""
    require_staff(actor)
    with uow:
        session = uow.session
        treatment = treatment_for(session, actor, patient_id, treatment_id)
        patient = patient_for(session, actor, patient_id)
        today = today or clock.patient_today(session, patient.id, patient.clinic_id)
        device = validate(data, today)
        before = treatment_revisions.snapshot(treatment)
        treatment.treatment_date = data.treatment_date
        treatment.depth_mm = float(data.depth_mm)
        treatment.device = device
        treatment.areas = list(data.areas)
        treatment.serum = (data.serum or "").strip() or None
        treatment.operator = (data.operator or "").strip() or None
        treatment.notes = (data.notes or "").strip() or None
        treatment.next_session_date = data.next_session_date
        revision = treatment_revisions.record_change(session, treatment, before, actor.user_id)
        if revision is None:
            return treatment, None  # not committed: the unit of work closes unchanged
        if "treatment_date" in revision.changed_fields:
            roster.treatment_changed(session, patient.id)
            schedule_wake.wake_treatment(session, treatment.id)
        outcome_rows.follow_treatment(session, treatment)
        audit.record_for_patient(
            session, actor, "treatment.update", "treatment", treatment.id, patient
        )
        uow.commit()
        return treatment, revision


def get_treatment(
    uow: UnitOfWork, actor: Principal, patient_id: int, treatment_id: int
) -> Treatment:
    """One treatment record (staff of the patient's clinic, for its edit page)."""
    require_staff(actor)
    with uow.reading():
        return treatment_for(uow.session, actor, patient_id, treatment_id)


def list_revisions(
    uow: UnitOfWork, actor: Principal, patient_id: int, treatment_id: int
) -> Sequence[TreatmentRevision]:
    """Every version of a treatment record, oldest first (staff of the patient's clinic)."""
    require_staff(actor)
    with uow:
        treatment = treatment_for(uow.session, actor, patient_id, treatment_id)
        rows = treatment_revisions.revisions_of(uow.session, treatment.id)
        patient = patient_for(uow.session, actor, patient_id)
        audit.record_for_patient(
            uow.session, actor, "treatment.revisions", "treatment", treatment.id, patient
        )
        uow.commit()
        return rows


def revision_page(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    treatment_id: int,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[TreatmentRevision]:
    """`list_revisions`, oldest first, `limit` at a time after `after`."""
    require_staff(actor)
    with uow:
        treatment = treatment_for(uow.session, actor, patient_id, treatment_id)
        page = keyset_page(
            uow.session,
            select(TreatmentRevision).where(TreatmentRevision.treatment_id == treatment.id),
            (TreatmentRevision.revision,),
            after=after,
            limit=limit,
        )
        patient = patient_for(uow.session, actor, patient_id)
        audit.record_for_patient(
            uow.session, actor, "treatment.revisions", "treatment", treatment.id, patient
        )
        uow.commit()
        return page


def next_session(
    uow: UnitOfWork, actor: Principal, patient_id: int, treatment_id: int
) -> NextSessionView:
    """The planned next session after a treatment and the reference's reasonable date (the
    patient or their clinic's staff)."""
    with uow.reading():
        treatment = treatment_for(uow.session, actor, patient_id, treatment_id)
        return next_session_view(treatment)
