"""The morning a product on the patient's shelf may come back: one email, once.

Part of the schedule pass (`reminders.run_schedule`), on the patient's reminder clock (the
same local time, zone and pause as the check-in reminders): on day N at that time, if any
shelf product's "avoid" ends on day N, a `product_back` event is recorded once per
(treatment, day) and the email is queued in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from needlecare.jobs import schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.services.notifications import enqueue
from needlecare.services.shelf import returning_on
from needlecare.storage.models import Patient, ReminderPause, ShelfProduct, Treatment
from needlecare.storage.models.jobs import EventOutcome, MessageKind

MAX_RESUME_DAY = 90  # the longest waiting window in windows.toml is well inside this


def due_returns(
    session: Session, treatment: Treatment, plan: schedule.ReminderPlan, now: datetime
) -> list[schedule.DueMoment]:
    """The mornings (up to now) on which one of the patient's products comes back."""
    has_shelf = session.scalar(
        select(ShelfProduct.id).where(ShelfProduct.patient_id == treatment.patient_id).limit(1)
    )
    patient = session.get(Patient, treatment.patient_id)
    if has_shelf is None or patient is None:
        return []
    moments = []
    for day in range(1, MAX_RESUME_DAY + 1):
        local_date = treatment.treatment_date + timedelta(days=day)
        due_at = schedule.local_to_utc(local_date, plan.local_time, plan.zone)
        if due_at > now:
            break
        if returning_on(session, patient, treatment, day):
            starts = schedule.local_to_utc(local_date, datetime.min.time(), plan.zone)
            moments.append(schedule.DueMoment(day, local_date, due_at, starts))
    return moments


def outcome_for(
    session: Session,
    treatment_id: int,
    moment: schedule.DueMoment,
    now: datetime,
    address: str | None,
    settings: JobsSettings,
) -> EventOutcome:
    if session.get(ReminderPause, treatment_id) is not None:
        return EventOutcome.PAUSED
    if now - moment.due_at > settings.reminder_max_lateness:
        return EventOutcome.LATE
    if address is None:
        return EventOutcome.NO_RECIPIENT
    return EventOutcome.QUEUED


def queue_email(
    session: Session,
    *,
    treatment_id: int,
    patient_id: int,
    clinic_id: int | None,
    day: int,
    address: str,
    now: datetime,
) -> None:
    enqueue(
        session,
        kind=MessageKind.PRODUCT_BACK,
        recipient=address,
        dedupe_key=f"product_back:{treatment_id}:day:{day}",
        payload={"treatment_id": treatment_id, "day": day},
        clinic_id=clinic_id,
        patient_id=patient_id,
        now=now,
    )
