"""Small helpers shared by the worker tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from needlecare.services.auth import principal_for_user_id
from needlecare.services.checkins import CheckinCreate, CheckinOutcome, submit_checkin
from needlecare.storage.models import ReminderEvent
from needlecare.storage.models.jobs import EventKind, EventOutcome
from needlecare.storage.uow import UnitOfWork

URGENT = {"breathing_difficulty": True}  # triages as urgent
FINE = {"redness": 1}  # triages as expected


def check_in(
    factory: sessionmaker[Session],
    staff_user_id: int,
    patient_id: int,
    treatment_id: int,
    now: datetime,
    symptoms: dict[str, Any],
) -> CheckinOutcome:
    actor = principal_for_user_id(UnitOfWork(factory), staff_user_id)
    return submit_checkin(
        UnitOfWork(factory),
        actor,
        patient_id,
        CheckinCreate(symptoms=symptoms, treatment_id=treatment_id),
        now=now,
    )


def events(factory: sessionmaker[Session], kind: EventKind) -> list[tuple[int, EventOutcome]]:
    with UnitOfWork(factory).reading() as uow:
        rows = uow.session.execute(
            select(ReminderEvent.due_day, ReminderEvent.outcome)
            .where(ReminderEvent.kind == kind)
            .order_by(ReminderEvent.due_day)
        ).all()
    return [(day, outcome) for day, outcome in rows]


def count_events(factory: sessionmaker[Session]) -> int:
    with UnitOfWork(factory).reading() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(ReminderEvent)) or 0)
