"""Two workers, each with its own engine, draining the same schedule and outbox: every
reminder is recorded once and every email reaches the SMTP server exactly once.

On PostgreSQL they run at the same time (threads); on SQLite, one writer at a time, they
take turns."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.worker import PassReport, Worker
from needlecare.services.notifications import enqueue
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.models import ReminderEvent
from needlecare.storage.models.jobs import MessageKind, OutboxStatus
from needlecare.storage.uow import UnitOfWork

from .conftest import (
    Clock,
    SmtpServer,
    add_patient,
    jobs_settings_for,
    outbox,
    set_clinic_plan,
    utc,
)

PATIENTS = 12
EXTRA_MESSAGES = 24
DUE = utc(2027, 6, 2, 9)  # day 1 at 09:00 UTC for treatments on 1 June 2027


def _seed(factory: sessionmaker[Session], clinic) -> None:
    set_clinic_plan(factory, clinic.alder_id, offsets=[1], local_time="09:00", timezone="UTC")
    patient_ids = [
        add_patient(
            factory,
            clinic_id=clinic.alder_id,
            treatment_date=date(2027, 6, 1),
            recorded_at=utc(2027, 6, 1, 10),
            email_address=f"p{i}@example.org",
        )[0]
        for i in range(PATIENTS)
    ]
    with UnitOfWork(factory) as uow:
        for i in range(EXTRA_MESSAGES):
            enqueue(
                uow.session,
                kind=MessageKind.MISSED_CHECKIN,
                recipient=f"staff{i}@example.org",
                dedupe_key=f"race:{i}",
                payload={"treatment_id": 0, "day": 1},
                clinic_id=clinic.alder_id,
                patient_id=patient_ids[i % PATIENTS],
                now=DUE,
            )
        uow.commit()


def _drained(report: PassReport) -> bool:
    o = report.outbox
    return report.schedule.events == 0 and o is not None and o.sent + o.retried + o.failed == 0


def test_two_workers_send_every_message_exactly_once(
    factory: sessionmaker[Session], clinic, smtp_server: SmtpServer, settings, db_kind: str
) -> None:
    _seed(factory, clinic)
    smtp_server.handler.delay_s = 0.01  # a slow server widens the window for a double send
    jobs_settings = jobs_settings_for(smtp_server.port, settings.secret_key)
    clock = Clock(DUE + timedelta(minutes=1))
    engines = [make_engine(settings.database_url, pool_size=2) for _ in range(2)]
    workers = [Worker(make_session_factory(e), jobs_settings, clock=clock) for e in engines]
    sent_by = Counter[int]()
    try:
        if db_kind == "postgresql":
            start = threading.Barrier(2)
            errors: list[BaseException] = []

            def run(index: int) -> None:
                try:
                    start.wait()
                    for _ in range(30):
                        report = workers[index].run_once()
                        sent_by[index] += report.outbox.sent if report.outbox else 0
                        if _drained(report):
                            return
                except BaseException as exc:  # surfaced below
                    errors.append(exc)

            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert errors == []
        else:
            for _ in range(30):
                reports = [w.run_once() for w in workers]
                for i, r in enumerate(reports):
                    sent_by[i] += r.outbox.sent if r.outbox else 0
                if all(_drained(r) for r in reports):
                    break
    finally:
        for e in engines:
            e.dispose()

    total = PATIENTS + EXTRA_MESSAGES
    ids = smtp_server.handler.message_ids()
    assert len(ids) == total and len(set(ids)) == total
    assert sent_by[0] + sent_by[1] == total
    if db_kind == "postgresql":
        assert sent_by[0] > 0 and sent_by[1] > 0  # the work was really shared
    assert {r.status for r in outbox(factory)} == {OutboxStatus.SENT}
    with UnitOfWork(factory).reading() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ReminderEvent)) == PATIENTS
