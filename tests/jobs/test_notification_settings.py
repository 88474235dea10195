"""Reminder settings through the service layer: admins only, every bad value named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.reminders import run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.services import clinic_settings
from needlecare.services.auth import principal_for_user_id
from needlecare.services.errors import Forbidden, Invalid, NotFound
from needlecare.services.notifications import set_clinic_schedule, set_patient_timezone
from needlecare.storage.models import Clinic, ClinicReminderSettings, ReminderEvent
from needlecare.storage.models.jobs import EventKind, EventOutcome
from needlecare.storage.uow import UnitOfWork

from .conftest import add_patient, utc
from .helpers import events


def _actor(factory: sessionmaker[Session], user_id: int):  # type: ignore[no-untyped-def]
    return principal_for_user_id(UnitOfWork(factory), user_id)


def test_an_admin_sets_the_clinic_schedule_and_the_worker_follows_it(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    alice = _actor(factory, clinic.alice.user_id)
    set_clinic_schedule(UnitOfWork(factory), alice, day_offsets=[10, 3], local_time="18:30")
    # The clock is the clinic's own zone, set on its settings page.
    settings = clinic_settings.get_settings(UnitOfWork(factory), alice)
    clinic_settings.update_settings(
        UnitOfWork(factory), alice, replace(settings, timezone="America/New_York")
    )
    add_patient(
        factory,
        clinic_id=clinic.alder_id,
        treatment_date=date(2027, 6, 1),
        recorded_at=utc(2027, 6, 1),
    )
    run_schedule(factory, jobs_settings, utc(2027, 6, 4, 22, 29))  # 18:29 EDT on day 3
    assert events(factory, EventKind.REMINDER) == []
    run_schedule(factory, jobs_settings, utc(2027, 6, 4, 22, 30))
    assert events(factory, EventKind.REMINDER) == [(3, EventOutcome.QUEUED)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day_offsets": []}, "day_offsets"),
        ({"day_offsets": [0, 1]}, "day_offsets"),
        ({"local_time": "9am"}, "local_time"),
        ({"grace_hours": 0}, "grace_hours"),
    ],
)
def test_bad_schedule_values_are_named(
    factory: sessionmaker[Session], clinic, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "day_offsets": [1, 2],
        "local_time": "09:00",
        "grace_hours": 24,
        **changes,
    }
    with pytest.raises(Invalid) as caught:
        set_clinic_schedule(UnitOfWork(factory), _actor(factory, clinic.alice.user_id), **values)  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == [field]


def test_only_admins_set_the_schedule(factory: sessionmaker[Session], clinic) -> None:
    for name in ("bob", "pat"):
        with pytest.raises(Forbidden):
            set_clinic_schedule(
                UnitOfWork(factory),
                _actor(factory, clinic.people[name].user_id),
                day_offsets=[1],
                local_time="09:00",
            )


def test_patient_time_zone_is_checked_and_scoped_to_the_clinic(
    factory: sessionmaker[Session], clinic
) -> None:
    alice, charlie = (_actor(factory, clinic.people[n].user_id) for n in ("alice", "charlie"))
    quinn = clinic.patients["quinn"]
    set_patient_timezone(UnitOfWork(factory), alice, quinn, "Pacific/Auckland")
    with pytest.raises(Invalid):
        set_patient_timezone(UnitOfWork(factory), alice, quinn, "Auckland")
    with pytest.raises(NotFound):
        set_patient_timezone(UnitOfWork(factory), charlie, quinn, "UTC")


def _reminded(factory: sessionmaker[Session]) -> set[int]:
    with UnitOfWork(factory).reading() as uow:
        return set(
            uow.session.scalars(
                select(ReminderEvent.patient_id).where(ReminderEvent.kind == EventKind.REMINDER)
            )
        )


def test_the_clinic_zone_is_the_clock_of_patients_without_their_own(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    """The zone on the clinic's settings page (clinic.timezone) times the reminders of its
    patients who set none; a patient's own zone wins; changing the clinic's zone moves the
    reminders already planned on the old one."""
    alice = _actor(factory, clinic.alice.user_id)
    set_clinic_schedule(UnitOfWork(factory), alice, day_offsets=[3], local_time="09:00")
    kwargs = {"clinic_id": clinic.alder_id, "treatment_date": date(2027, 6, 1)}
    follows_clinic, _ = add_patient(factory, recorded_at=utc(2027, 6, 1), **kwargs)  # type: ignore[arg-type]
    own_zone, _ = add_patient(
        factory,
        recorded_at=utc(2027, 6, 1),
        timezone="America/New_York",
        **kwargs,  # type: ignore[arg-type]
    )
    run_schedule(factory, jobs_settings, utc(2027, 6, 2))  # both planned on UTC so far
    settings = clinic_settings.get_settings(UnitOfWork(factory), alice)
    assert settings.timezone == "UTC"
    clinic_settings.update_settings(
        UnitOfWork(factory), alice, replace(settings, timezone="Asia/Tokyo")
    )
    with UnitOfWork(factory).reading() as uow:
        assert uow.session.get_one(Clinic, clinic.alder_id).timezone == "Asia/Tokyo"
        row = uow.session.get_one(ClinicReminderSettings, clinic.alder_id)
        assert row.local_time == "09:00" and row.day_offsets == [3]  # the schedule is kept

    run_schedule(factory, jobs_settings, utc(2027, 6, 4, 0, 0))  # 09:00 JST on day 3
    assert _reminded(factory) == {follows_clinic}
    run_schedule(factory, jobs_settings, utc(2027, 6, 4, 12, 59))  # 08:59 EDT
    assert _reminded(factory) == {follows_clinic}
    run_schedule(factory, jobs_settings, utc(2027, 6, 4, 13, 0))  # 09:00 EDT
    assert _reminded(factory) == {follows_clinic, own_zone}
