"""Fixtures for the worker: a real SMTP server (aiosmtpd) on a free loopback port, a clock
the test moves, and helpers to make patients with a treatment at a chosen date and zone."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPProtocol
from aiosmtpd.smtp import Envelope, Session
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from needlecare.config import Settings, SmtpConfig
from needlecare.jobs.settings import JobsSettings
from needlecare.jobs.worker import Worker
from needlecare.storage.enums import Device
from needlecare.storage.models import (
    Clinic,
    ClinicReminderSettings,
    OutboxMessage,
    Patient,
    PatientReminderSettings,
    Treatment,
)
from needlecare.storage.uow import UnitOfWork

BASE_URL = "https://care.example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepts; scripted refusals come first."""

    messages: list[EmailMessage] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    delay_s: float = 0.0

    async def handle_RCPT(
        self,
        server: SMTPProtocol,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPProtocol, session: Session, envelope: Envelope) -> str:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stopped_smtp_server() -> Iterator[SmtpServer]:
    """A port with nothing listening yet (connection refused); `start()` brings it up."""
    server = SmtpServer()
    yield server
    server.stop()


def jobs_settings_for(port: int, secret_key: str) -> JobsSettings:
    return JobsSettings(
        secret_key=secret_key,
        smtp=SmtpConfig("127.0.0.1", port, timeout_s=5),
        mail_from="NeedleCare <care@example.org>",
        base_url=BASE_URL,
        batch_size=4,
    )


@pytest.fixture
def jobs_settings(smtp_server: SmtpServer, settings: Settings) -> JobsSettings:
    return jobs_settings_for(smtp_server.port, settings.secret_key)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def factory(app: FastAPI) -> sessionmaker[DbSession]:
    return app.state.session_factory  # type: ignore[no-any-return]


def make_worker(
    factory: sessionmaker[DbSession], settings: JobsSettings, clock: Clock, **kw: Any
) -> Worker:
    import random

    return Worker(factory, settings, clock=clock, rng=random.Random(7), **kw)


def add_patient(
    factory: sessionmaker[DbSession],
    *,
    clinic_id: int | None,
    treatment_date: date,
    recorded_at: datetime,
    timezone: str | None = None,
    email_address: str | None = "patient@example.org",
) -> tuple[int, int]:
    """A patient with one treatment recorded at `recorded_at`: (patient id, treatment id)."""
    with UnitOfWork(factory) as uow:
        patient = Patient(
            clinic_id=clinic_id,
            display_name="Robin Example",
            email=email_address,
            fitzpatrick=2,
            acne_prone=False,
            history=[],
        )
        uow.session.add(patient)
        uow.flush()
        if timezone is not None:
            uow.session.add(PatientReminderSettings(patient_id=patient.id, timezone=timezone))
        treatment = Treatment(
            patient_id=patient.id,
            treatment_date=treatment_date,
            depth_mm=1.0,
            device=Device.PEN,
            areas=["face"],
            fitzpatrick=2,
            created_at=recorded_at,
        )
        uow.session.add(treatment)
        uow.flush()
        ids = (patient.id, treatment.id)
        uow.commit()
    return ids


def set_clinic_plan(
    factory: sessionmaker[DbSession],
    clinic_id: int,
    *,
    offsets: list[int],
    local_time: str,
    timezone: str,
    grace_hours: int = 24,
) -> None:
    with UnitOfWork(factory) as uow:
        uow.session.add(
            ClinicReminderSettings(
                clinic_id=clinic_id,
                enabled=True,
                day_offsets=offsets,
                local_time=local_time,
                grace_hours=grace_hours,
            )
        )
        uow.session.get_one(Clinic, clinic_id).timezone = timezone  # the clinic's own clock
        uow.commit()


def outbox(factory: sessionmaker[DbSession]) -> list[OutboxMessage]:
    with UnitOfWork(factory).reading() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def clinic(world: Any, factory: sessionmaker[DbSession]) -> Any:
    """The shared `world` (alder clinic: alice and bob; birch: charlie) without its
    treatments, whose dates follow the real calendar: the worker tests own the clock."""
    from sqlalchemy import delete

    with UnitOfWork(factory) as uow:
        uow.session.execute(delete(Treatment))
        uow.commit()
    return world
