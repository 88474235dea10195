"""Reminder settings through the service layer: admins only, every bad value named."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.reminders import run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.services.auth import principal_for_user_id
from needlecare.services.errors import Forbidden, Invalid, NotFound
from needlecare.services.notifications import set_clinic_schedule, set_patient_timezone
from needlecare.storage.models.jobs import EventKind, EventOutcome
from needlecare.storage.uow import UnitOfWork

from .conftest import add_patient, utc
from .helpers import events


def _actor(factory: sessionmaker[Session], user_id: int):  # type: ignore[no-untyped-def]
    return principal_for_user_id(UnitOfWork(factory), user_id)


def test_an_admin_sets_the_clinic_schedule_and_the_worker_follows_it(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    set_clinic_schedule(
        UnitOfWork(factory),
        _actor(factory, clinic.alice.user_id),
        day_offsets=[10, 3],
        local_time="18:30",
        timezone="America/New_York",
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
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"grace_hours": 0}, "grace_hours"),
    ],
)
def test_bad_schedule_values_are_named(
    factory: sessionmaker[Session], clinic, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "day_offsets": [1, 2],
        "local_time": "09:00",
        "timezone": "UTC",
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
                timezone="UTC",
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
