"""Issue 20: the schedule pass reads only the treatments whose next moment has come; its cost
follows the work due, not the number of treatments in their window (SQLite and PostgreSQL).
Counted in rows read and statements, not time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.reminders import REVISIT, run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.services import schedule_wake
from needlecare.storage.models import Treatment
from needlecare.storage.models.care import WOKEN
from needlecare.storage.models.jobs import EventKind, EventOutcome
from needlecare.storage.uow import UnitOfWork

from .conftest import add_patient, set_clinic_plan, utc
from .helpers import events

TREATED = date(2027, 5, 10)
RECORDED = utc(2027, 5, 10, 12)
DAY1_DUE = utc(2027, 5, 11, 9)  # 09:00 UTC on day 1


def _marks(factory: sessionmaker[Session]) -> dict[int, Any]:
    with UnitOfWork(factory).reading() as uow:
        return dict(uow.session.execute(select(Treatment.id, Treatment.schedule_next_at)).all())


def _statements(factory: sessionmaker[Session], run: Any) -> int:
    engine = factory.kw["bind"]
    count = 0

    def counted(*_args: Any) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def test_a_pass_sets_each_treatments_next_moment_and_skips_it_until_then(
    factory: sessionmaker[Session], clinic: Any, jobs_settings: JobsSettings
) -> None:
    set_clinic_plan(factory, clinic.alder_id, offsets=[1, 2], local_time="09:00", timezone="UTC")
    ids = [
        add_patient(
            factory, clinic_id=clinic.alder_id, treatment_date=TREATED, recorded_at=RECORDED
        )[1]
        for _ in range(6)
    ]
    assert set(_marks(factory).values()) == {WOKEN}  # new treatments are due at once

    before = DAY1_DUE - timedelta(hours=1)
    run_schedule(factory, jobs_settings, before)
    assert set(_marks(factory).values()) == {DAY1_DUE}  # nothing due yet: day 1's reminder next

    # Until then a pass reads no treatment: the same few statements for 6 treatments or 0.
    quiet = _statements(factory, lambda: run_schedule(factory, jobs_settings, before))
    assert quiet <= 5

    report = run_schedule(factory, jobs_settings, DAY1_DUE)
    assert report.reminders_queued == 6
    # Next: day 1's grace (24 h) ends at day 2's reminder; REVISIT caps the wait.
    assert set(_marks(factory).values()) == {min(DAY1_DUE + timedelta(days=1), DAY1_DUE + REVISIT)}
    assert run_schedule(factory, jobs_settings, DAY1_DUE + timedelta(minutes=1)).events == 0

    # A writer that changes a schedule wakes its treatment: the next pass reads it again.
    with UnitOfWork(factory) as uow:
        schedule_wake.wake_treatment(uow.session, ids[0])
        uow.commit()
    assert _marks(factory)[ids[0]] == WOKEN
    now = DAY1_DUE + timedelta(minutes=2)
    run_schedule(factory, jobs_settings, now)
    assert _marks(factory)[ids[0]] == now + REVISIT
    assert len(events(factory, EventKind.REMINDER)) == 6  # once each, still


def test_a_treatment_past_its_window_is_never_read_again(
    factory: sessionmaker[Session], clinic: Any, jobs_settings: JobsSettings
) -> None:
    set_clinic_plan(factory, clinic.alder_id, offsets=[1], local_time="09:00", timezone="UTC")
    add_patient(factory, clinic_id=clinic.alder_id, treatment_date=TREATED, recorded_at=RECORDED)
    run_schedule(factory, jobs_settings, DAY1_DUE + timedelta(minutes=5))
    assert events(factory, EventKind.REMINDER) == [(1, EventOutcome.QUEUED)]
    # Its window (day 1 + grace + 2 days) over, the pass parks it for good.
    run_schedule(factory, jobs_settings, DAY1_DUE + timedelta(days=30))
    assert set(_marks(factory).values()) == {None}


def test_a_superseded_treatment_is_parked_and_only_the_latest_followed(
    factory: sessionmaker[Session], clinic: Any, jobs_settings: JobsSettings
) -> None:
    set_clinic_plan(factory, clinic.alder_id, offsets=[1], local_time="09:00", timezone="UTC")
    patient_id, first = add_patient(
        factory, clinic_id=clinic.alder_id, treatment_date=TREATED, recorded_at=RECORDED
    )
    with UnitOfWork(factory) as uow:
        old = uow.session.get_one(Treatment, first)
        newer = Treatment(
            patient_id=patient_id,
            treatment_date=TREATED + timedelta(days=1),
            depth_mm=old.depth_mm,
            device=old.device,
            areas=list(old.areas),
            created_at=RECORDED + timedelta(days=1),
        )
        uow.session.add(newer)
        uow.flush()
        second = newer.id
        uow.commit()
    now = DAY1_DUE + timedelta(days=1)
    run_schedule(factory, jobs_settings, now)
    marks = _marks(factory)
    assert marks[first] is None  # superseded: never read again
    assert marks[second] is not None and marks[second] > now
    assert [e for e in events(factory, EventKind.REMINDER)] == [(1, EventOutcome.QUEUED)]
