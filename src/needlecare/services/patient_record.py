"""What the clinic's patient page shows, read in one unit of work with one audit row.

The page used to call eight services (the patient, treatments, the timeline, check-ins,
notes, messages, recommendations, the shelf), each its own transaction with its own audit
row: 8 commits per view, and on SQLite with synchronous=FULL every commit waits for the disk
(~140 of the page's ~200 ms at scale). Here the same reads happen in one transaction,
recorded once as `patient.read` (as `services.today` does for the patient's Today page).
Each list is a page, newest first, from its own cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from needlecare.services import audit, clock, domain, messages, protocols, shelf
from needlecare.services.messages import MessageView
from needlecare.services.pagination import Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, require_staff
from needlecare.services.treatment_in_force import treatments_newest_first
from needlecare.storage.models import Checkin, ClinicalNote, Patient, Recommendation, Treatment
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Cursors:
    """Where each list of the page starts (None: its newest rows) and how many it shows."""

    checkins: Sequence[Any] | None = None
    notes: Sequence[Any] | None = None
    messages: Sequence[Any] | None = None
    recommendations: Sequence[Any] | None = None
    checkin_limit: int = 100
    note_limit: int = 20
    message_limit: int = 50
    recommendation_limit: int = 20


@dataclass(frozen=True)
class PatientRecord:
    patient: Patient
    treatments: Sequence[Treatment]  # the one in force first
    timeline: dict[str, Any] | None  # of the treatment in force (the domain's contract)
    checkins: Page[Checkin]  # newest first
    notes: Page[ClinicalNote]  # newest first
    thread: Page[MessageView]  # newest first (the patient's messages on it now read)
    recommendations: Page[Recommendation]  # newest first
    shelf: shelf.Shelf  # the patient's products with today's verdicts


def patient_record(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    cursors: Cursors = Cursors(),
    *,
    now: datetime | None = None,
) -> PatientRecord:
    """The patient page's data for a patient of the staff member's clinic (NotFound
    otherwise)."""
    require_staff(actor)
    with uow:
        session = uow.session
        patient = patient_for(session, actor, patient_id)
        treatments = session.scalars(treatments_newest_first(patient.id)).all()
        timeline = None
        today = clock.patient_today(session, patient.id, patient.clinic_id, now)
        if treatments:
            windows = protocols.in_force(session, patient.clinic_id).windows
            timeline = domain.timeline(treatments[0], today, windows)
        checkins = keyset_page(
            session,
            select(Checkin).where(Checkin.patient_id == patient.id),
            (Checkin.created_at, Checkin.id),
            after=cursors.checkins,
            limit=cursors.checkin_limit,
            descending=True,
        )
        notes = keyset_page(
            session,
            select(ClinicalNote).where(ClinicalNote.patient_id == patient.id),
            (ClinicalNote.id,),
            after=cursors.notes,
            limit=cursors.note_limit,
            descending=True,
        )
        thread = messages.thread_page_in(
            session,
            actor,
            patient,
            after=cursors.messages,
            limit=cursors.message_limit,
            newest_first=True,
        )
        recommendations = keyset_page(
            session,
            select(Recommendation).where(Recommendation.patient_id == patient.id),
            (Recommendation.id,),
            after=cursors.recommendations,
            limit=cursors.recommendation_limit,
            descending=True,
        )
        shelf_rows = shelf.shelf_rows(session, patient, today)
        audit.record_for_patient(session, actor, "patient.read", "patient", patient.id, patient)
        uow.commit()
    return PatientRecord(
        patient, treatments, timeline, checkins, notes, thread, recommendations,
        shelf.shelf_of(shelf_rows),  # the label checks after the commit: no lock held
    )  # fmt: skip
