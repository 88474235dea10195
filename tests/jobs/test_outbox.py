"""The outbox and its sender against a real SMTP server: nothing lost, nothing doubled."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.emails import message_id
from needlecare.jobs.settings import JobsSettings
from needlecare.storage.enums import Device
from needlecare.storage.models import Clinic, ClinicReminderSettings, Treatment
from needlecare.storage.models.jobs import MessageKind, OutboxStatus
from needlecare.storage.uow import UnitOfWork

from .conftest import BASE_URL, Clock, SmtpServer, jobs_settings_for, make_worker, outbox
from .helpers import FINE, URGENT, check_in

# Check-ins are dated by the real calendar (a treatment cannot be in the future), so the
# clock starts now; reminders are switched off so the schedule adds no mail of its own.
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def quiet(clinic, factory: sessionmaker[Session]):
    with UnitOfWork(factory) as uow:
        for clinic_id in (clinic.alder_id, clinic.birch_id):
            uow.session.add(
                ClinicReminderSettings(
                    clinic_id=clinic_id,
                    enabled=False,
                    day_offsets=[1],
                    local_time="09:00",
                    grace_hours=24,
                )
            )
        for name in ("quinn", "rory"):
            treatment = Treatment(
                patient_id=clinic.patients[name],
                treatment_date=NOW.date() - timedelta(days=3),
                depth_mm=1.0,
                device=Device.PEN,
                areas=["face"],
                created_at=NOW,
            )
            uow.session.add(treatment)
            uow.flush()
            clinic.treatments[name] = treatment.id
        uow.commit()
    return clinic


def _no_overdue_escalation(factory: sessionmaker[Session], clinic_id: int) -> None:
    # These tests count the check-in alert emails; an urgent alert left unacknowledged for
    # hours is also escalated to the admins (tests/jobs/test_overdue.py): not here.
    with UnitOfWork(factory) as uow:
        uow.session.execute(
            update(Clinic).where(Clinic.id == clinic_id).values(urgent_ack_minutes=1440)
        )
        uow.commit()


def _urgent_checkin(factory: sessionmaker[Session], clinic) -> None:
    _no_overdue_escalation(factory, clinic.alder_id)
    check_in(
        factory,
        clinic.alice.user_id,
        clinic.patients["quinn"],
        clinic.treatments["quinn"],
        NOW,
        URGENT,
    )


def test_an_urgent_check_in_queues_one_email_per_staff_member_in_its_transaction(
    factory: sessionmaker[Session], quiet, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    outcome = check_in(
        factory,
        quiet.alice.user_id,
        quiet.patients["quinn"],
        quiet.treatments["quinn"],
        NOW,
        URGENT,
    )
    rows = outbox(factory)
    assert outcome.alert_id is not None
    assert [(r.kind, r.recipient, r.payload) for r in rows] == [
        (MessageKind.CHECKIN_ALERT, "alice@example.org", {"alert_id": outcome.alert_id}),
        (MessageKind.CHECKIN_ALERT, "bob@example.org", {"alert_id": outcome.alert_id}),
    ]
    # The same check-in sent again (same idempotency key) queues nothing more.
    check_in(
        factory, quiet.alice.user_id, quiet.patients["quinn"], quiet.treatments["quinn"], NOW, FINE
    )
    assert len(outbox(factory)) == 2

    report = make_worker(factory, jobs_settings, Clock(NOW)).run_once()
    assert report.outbox is not None and report.outbox.sent == 2
    by_rcpt = {m["To"]: m for m in smtp_server.messages}
    assert set(by_rcpt) == {"alice@example.org", "bob@example.org"}
    for row in rows:
        message = by_rcpt[row.recipient]
        assert message["Subject"] == "A patient needs attention"
        assert message["Message-ID"] == message_id(row.id, jobs_settings)
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert f"{BASE_URL}/clinic/alerts" in text and f'href="{BASE_URL}/clinic/alerts"' in html
        for secret in ("urgent", "Urgent", "Quinn", "breath"):
            assert secret not in message["Subject"]
            assert secret not in text  # details stay behind the login


def test_a_check_in_that_needs_no_attention_queues_nothing(
    factory: sessionmaker[Session], quiet
) -> None:
    check_in(
        factory, quiet.alice.user_id, quiet.patients["quinn"], quiet.treatments["quinn"], NOW, FINE
    )
    assert outbox(factory) == []


def test_smtp_down_then_up_delivers_each_message_exactly_once(
    factory: sessionmaker[Session], quiet, stopped_smtp_server: SmtpServer, settings
) -> None:
    jobs_settings = jobs_settings_for(stopped_smtp_server.port, settings.secret_key)
    _urgent_checkin(factory, quiet)
    clock = Clock(NOW)
    worker = make_worker(factory, jobs_settings, clock)

    for _ in range(3):  # an outage across several passes
        report = worker.run_once()
        assert report.outbox is not None and report.outbox.sent == 0
        clock.advance(minutes=2)
    rows = outbox(factory)
    assert {r.status for r in rows} == {OutboxStatus.PENDING}
    # Connection refused never reached the server: it does not use up attempts.
    assert {r.attempts for r in rows} == {0}
    assert any("unreachable" in (r.last_error or "") for r in rows)

    stopped_smtp_server.start()
    clock.advance(hours=2)
    assert worker.run_once().outbox.sent == 2  # type: ignore[union-attr]
    clock.advance(hours=2)
    assert worker.run_once().outbox.sent == 0  # type: ignore[union-attr]
    ids = stopped_smtp_server.handler.message_ids()
    assert sorted(ids) == sorted(message_id(r.id, jobs_settings) for r in rows)
    assert {r.status for r in outbox(factory)} == {OutboxStatus.SENT}


def test_a_4xx_answer_is_retried_later_with_backoff_then_delivered_once(
    factory: sessionmaker[Session], quiet, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.rcpt_replies = ["451 4.3.0 Mailbox busy, try again later"]
    _urgent_checkin(factory, quiet)
    clock = Clock(NOW)
    worker = make_worker(factory, jobs_settings, clock)

    first = worker.run_once().outbox
    assert first is not None and (first.sent, first.retried) == (1, 1)
    (waiting,) = [r for r in outbox(factory) if r.status is OutboxStatus.PENDING]
    assert "451" in (waiting.last_error or "") and waiting.attempts == 1
    delay = waiting.next_attempt_at - NOW
    assert timedelta(seconds=15) <= delay <= timedelta(seconds=30)  # base 30 s, jittered

    assert worker.run_once().outbox.sent == 0  # type: ignore[union-attr]  # not due yet
    clock.advance(seconds=31)
    assert worker.run_once().outbox.sent == 1  # type: ignore[union-attr]
    assert len(smtp_server.messages) == 2
    assert len(set(smtp_server.handler.message_ids())) == 2
    rows = outbox(factory)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert sorted(r.attempts for r in rows) == [1, 2]


def test_a_5xx_recipient_refusal_is_permanent_and_recorded(
    factory: sessionmaker[Session], quiet, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.rcpt_replies = ["550 5.1.1 No such user here"]
    _urgent_checkin(factory, quiet)
    clock = Clock(NOW)
    worker = make_worker(factory, jobs_settings, clock)
    report = worker.run_once().outbox
    assert report is not None and (report.sent, report.failed) == (1, 1)
    for _ in range(3):
        clock.advance(hours=3)
        assert worker.run_once().outbox.sent == 0  # type: ignore[union-attr]
    (failed,) = [r for r in outbox(factory) if r.status is OutboxStatus.FAILED]
    assert "550" in (failed.last_error or "") and failed.attempts == 1
    assert len(smtp_server.messages) == 1


def test_repeated_4xx_answers_give_up_after_the_attempt_limit(
    factory: sessionmaker[Session], quiet, smtp_server: SmtpServer, settings
) -> None:
    jobs_settings = dataclasses.replace(
        jobs_settings_for(smtp_server.port, settings.secret_key), max_attempts=3
    )
    smtp_server.handler.rcpt_replies = ["452 4.2.2 Mailbox full"] * 3
    _no_overdue_escalation(factory, quiet.birch_id)
    check_in(
        factory,
        quiet.charlie.user_id,
        quiet.patients["rory"],
        quiet.treatments["rory"],
        NOW,
        URGENT,
    )  # birch clinic: charlie is its only staff member
    clock = Clock(NOW)
    worker = make_worker(factory, jobs_settings, clock)
    for _ in range(5):
        worker.run_once()
        clock.advance(hours=2)
    (row,) = outbox(factory)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert "452" in (row.last_error or "")
    assert smtp_server.messages == []
