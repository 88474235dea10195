"""A patient's deletion takes the worker's rows with it: queued emails, reminder events,
pauses and their time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.reminders import run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.services.auth import principal_for_user_id
from needlecare.services.deletion import DELETE_CONFIRMATION, delete_my_data
from needlecare.services.notifications import (
    pause_token,
    set_patient_timezone,
    set_reminders_paused,
)
from needlecare.storage.enums import Device
from needlecare.storage.models import (
    OutboxMessage,
    PatientReminderSettings,
    ReminderEvent,
    ReminderPause,
    Treatment,
)
from needlecare.storage.uow import UnitOfWork

from .helpers import URGENT, check_in


def _count(factory: sessionmaker[Session], model: type, where: object) -> int:
    with UnitOfWork(factory).reading() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(where)) or 0)


def test_deleting_a_patient_leaves_none_of_their_jobs_rows(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    patient_id = clinic.patients["pat"]
    with UnitOfWork(factory) as uow:
        treatment = Treatment(
            patient_id=patient_id,
            treatment_date=now.date() - timedelta(days=3),
            depth_mm=1.0,
            device=Device.PEN,
            areas=["face"],
            created_at=now - timedelta(days=3),
        )
        uow.session.add(treatment)
        uow.flush()
        treatment_id = treatment.id
        uow.commit()
    pat = principal_for_user_id(UnitOfWork(factory), clinic.pat.user_id)
    set_patient_timezone(UnitOfWork(factory), pat, patient_id, "Europe/London")
    run_schedule(factory, jobs_settings, now)
    check_in(factory, clinic.alice.user_id, patient_id, treatment_id, now, URGENT)
    set_reminders_paused(
        UnitOfWork(factory),
        jobs_settings.secret_key,
        pause_token(jobs_settings.secret_key, treatment_id),
        paused=True,
    )
    assert _count(factory, ReminderEvent, ReminderEvent.patient_id == patient_id) > 0
    assert _count(factory, OutboxMessage, OutboxMessage.patient_id == patient_id) >= 2

    delete_my_data(UnitOfWork(factory), pat, DELETE_CONFIRMATION)

    assert _count(factory, ReminderEvent, ReminderEvent.patient_id == patient_id) == 0
    assert _count(factory, OutboxMessage, OutboxMessage.patient_id == patient_id) == 0
    assert _count(factory, ReminderPause, ReminderPause.treatment_id == treatment_id) == 0
    assert (
        _count(factory, PatientReminderSettings, PatientReminderSettings.patient_id == patient_id)
        == 0
    )
