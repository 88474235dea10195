"""The pause link in reminder emails: a signed token, a confirmation page, one-click POST."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.reminders import run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.services.notifications import pause_token
from needlecare.storage.models import AuditEntry, ReminderPause
from needlecare.storage.models.jobs import EventKind, EventOutcome, OutboxStatus
from needlecare.storage.uow import UnitOfWork

from .conftest import BASE_URL, Clock, SmtpServer, add_patient, make_worker, outbox, utc
from .helpers import events


def _paused(factory: sessionmaker[Session], treatment_id: int) -> bool:
    with UnitOfWork(factory).reading() as uow:
        return uow.session.get(ReminderPause, treatment_id) is not None


def test_the_link_in_a_reminder_pauses_that_treatments_reminders(
    client: TestClient,
    factory: sessionmaker[Session],
    clinic,
    jobs_settings: JobsSettings,
    smtp_server: SmtpServer,
) -> None:
    _, treatment_id = add_patient(
        factory,
        clinic_id=clinic.alder_id,
        treatment_date=date(2027, 6, 1),
        recorded_at=utc(2027, 6, 1),
    )
    clock = Clock(utc(2027, 6, 2, 9))
    make_worker(factory, jobs_settings, clock).run_once()
    (message,) = smtp_server.messages
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{BASE_URL}/reminders/pause/")
    path = url.removeprefix(BASE_URL)

    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "Pause check-in reminders?" in page.text
    assert not _paused(factory, treatment_id)

    one_click = client.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200 and "Reminders are paused" in one_click.text
    assert _paused(factory, treatment_id)
    assert client.post(path).status_code == 200  # twice is fine

    clock.now = utc(2027, 6, 3, 9)
    make_worker(factory, jobs_settings, clock).run_once()
    assert events(factory, EventKind.REMINDER) == [
        (1, EventOutcome.QUEUED),
        (2, EventOutcome.PAUSED),
    ]
    assert len(smtp_server.messages) == 1

    resumed = client.post(path.replace("/pause/", "/resume/"))
    assert resumed.status_code == 200 and not _paused(factory, treatment_id)
    with UnitOfWork(factory).reading() as uow:
        actions = [a.action for a in uow.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-3:] == ["reminders.pause", "reminders.pause", "reminders.resume"]


def test_a_reminder_queued_before_the_pause_is_cancelled_not_sent(
    client: TestClient,
    factory: sessionmaker[Session],
    clinic,
    jobs_settings: JobsSettings,
    smtp_server: SmtpServer,
    settings,
) -> None:
    _, treatment_id = add_patient(
        factory,
        clinic_id=clinic.alder_id,
        treatment_date=date(2027, 6, 1),
        recorded_at=utc(2027, 6, 1),
    )
    run_schedule(factory, jobs_settings, utc(2027, 6, 2, 9))
    token = pause_token(settings.secret_key, treatment_id)
    assert client.post(f"/reminders/pause/{token}").status_code == 200
    make_worker(factory, jobs_settings, Clock(utc(2027, 6, 2, 9, 1))).run_once()
    (row,) = outbox(factory)
    assert (row.status, row.last_error) == (OutboxStatus.CANCELLED, "reminders paused")
    assert smtp_server.messages == []


def test_a_forged_or_foreign_token_is_a_friendly_404(
    client: TestClient, clinic, factory: sessionmaker[Session], settings
) -> None:
    _, treatment_id = add_patient(
        factory,
        clinic_id=clinic.alder_id,
        treatment_date=date(2027, 6, 1),
        recorded_at=utc(2027, 6, 1),
    )
    forged = pause_token("another-secret-key-of-enough-length-000000", treatment_id)
    for path in (
        f"/reminders/pause/{forged}",
        "/reminders/pause/not-a-token",
        f"/reminders/pause/{pause_token(settings.secret_key, 999999)}",
    ):
        response = client.post(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "Traceback" not in response.text
    assert not _paused(factory, treatment_id)
