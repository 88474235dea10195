"""Several servers, one PostgreSQL: two app processes and two workers on their own ports share
one database. Check-ins go through both apps while one app and one worker are killed with
SIGKILL; afterwards no check-in, alert, reminder or email is lost or doubled. A session made
on one app works on the other and its logout ends it there; failed logins counted by one app
lock the account on the other (nothing a process needs lives in another one's memory)."""

from __future__ import annotations

import email
import email.policy
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from conftest import SECRET, World, _admin_execute, _patient, _person
from needlecare.config import parse_smtp_url
from needlecare.jobs.outbox import drain
from needlecare.jobs.settings import JobsSettings
from needlecare.jobs.smtp import SmtpTransport
from needlecare.storage.base import utcnow
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.enums import Role
from needlecare.storage.models import (
    Alert,
    Checkin,
    Clinic,
    ClinicReminderSettings,
    OutboxMessage,
    ReminderEvent,
    Treatment,
)
from needlecare.storage.models.jobs import EventOutcome, OutboxStatus
from needlecare.storage.pgcluster import free_port
from needlecare.storage.uow import UnitOfWork
from needlecare.web import security

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
NEEDLECARE = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "needlecare")
PATIENTS = 12
CHECKINS_EACH = 3
CALM = {"redness": 1, "swelling": 0, "pain": 1}
FEVER = {"redness": 2, "fever": True}  # contact_clinic: an alert and an email per staff member


class Sink:
    """An SMTP server that keeps the Message-ID of every email it accepts."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.message_ids.append(str(parsed["Message-ID"]))
        return "250 OK"


@pytest.fixture
def database(postgres_server: Any) -> Iterator[str]:
    name = f"t_multi_{uuid.uuid4().hex[:12]}"
    _admin_execute(
        postgres_server, f'CREATE DATABASE "{name}" TEMPLATE "{postgres_server.template}"'
    )
    yield postgres_server.url(name)
    _admin_execute(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(uow: UnitOfWork) -> World:
    """One clinic (admin alice, clinician bob), PATIENTS patients with a login each, treated
    two days ago (recorded three days ago), reminders on days 1 and 2 at a time just past:
    day 2's reminder is due now and day 1's check-in counts as missed."""
    due = utcnow() - timedelta(minutes=5)
    with uow:
        clinic = Clinic(name="Shared Clinic")
        uow.session.add(clinic)
        uow.flush()
        world = World(alder_id=clinic.id, birch_id=clinic.id)
        _person(uow, world, "alice", Role.ADMIN, clinic.id)
        _person(uow, world, "bob", Role.CLINICIAN, clinic.id)
        uow.session.add(
            ClinicReminderSettings(
                clinic_id=clinic.id, enabled=True, day_offsets=[1, 2],
                local_time=due.strftime("%H:%M"), grace_hours=24,
            )
        )  # fmt: skip
        for index in range(PATIENTS):
            name = f"p{index}"
            user = _person(uow, world, name, Role.PATIENT, clinic.id)
            _patient(uow, world, name, clinic.id, user)
            treatment = uow.session.get_one(Treatment, world.treatments[name])
            treatment.treatment_date = due.date() - timedelta(days=2)
            treatment.created_at = due - timedelta(days=3)
        uow.commit()
    return world


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([NEEDLECARE, *args], env=env, stdout=out, stderr=out)


def _wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"app on {port} did not start: {log.read_text()}")


def _submit(
    ports: list[int], person: Any, patient_id: int, key: str, symptoms: dict[str, Any], start: int
) -> dict[str, Any]:
    """POST one check-in, trying the apps in turn (same Idempotency-Key) until one answers."""
    for attempt in range(40):
        port = ports[(start + attempt) % len(ports)]
        try:
            response = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/patients/{patient_id}/checkins",
                json={"symptoms": symptoms},
                headers={**person.headers, "Idempotency-Key": key},
                timeout=20,
            )
        except httpx.TransportError:  # that app is gone (or went mid-request): the other one
            time.sleep(0.05)
            continue
        if response.status_code in (200, 201):
            body: dict[str, Any] = response.json()
            return body
        raise AssertionError(f"{port}: {response.status_code} {response.text}")
    raise AssertionError(f"no app answered for {key}")


def test_two_apps_two_workers_one_postgres_lose_and_double_nothing(
    database: str, tmp_path: Path
) -> None:
    engine = make_engine(database, pooled=False)
    factory = make_session_factory(engine)
    world = _seed(UnitOfWork(factory))
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)  # type: ignore[arg-type]
    controller.start()
    env = {
        **os.environ,
        "NEEDLECARE_DATABASE_URL": database,
        "NEEDLECARE_SECRET_KEY": SECRET,
        "NEEDLECARE_DATA_DIR": str(tmp_path),
        "NEEDLECARE_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NEEDLECARE_LOG_LEVEL": "WARNING",
    }
    ports = [free_port(), free_port()]
    apps = [
        _start(["serve", "--port", str(p), "--no-worker", "--no-access-log"], env,
               tmp_path / f"app{i}.log")
        for i, p in enumerate(ports)
    ]  # fmt: skip
    workers = [
        _start(["worker", "--poll-interval", "0.2"], env, tmp_path / f"worker{i}.log")
        for i in range(2)
    ]
    processes = [*apps, *workers]
    try:
        for port, app, i in zip(ports, apps, range(2), strict=True):
            _wait_healthy(port, app, tmp_path / f"app{i}.log")
        _sessions_and_limits_are_shared(ports, world)

        # Check-ins through both apps; app 0 and worker 0 are killed a third of the way in.
        jobs = [
            (f"p{i}", f"key-{i}-{n}", FEVER if (i + n) % 4 == 0 else CALM)
            for n in range(CHECKINS_EACH) for i in range(PATIENTS)
        ]  # fmt: skip
        results: dict[str, dict[str, Any]] = {}
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = []
            for index, (name, key, symptoms) in enumerate(jobs):
                if index == len(jobs) // 3:
                    apps[0].send_signal(signal.SIGKILL)
                    workers[0].send_signal(signal.SIGKILL)
                futures.append((key, pool.submit(
                    _submit, ports, getattr(world, name), world.patients[name], key,
                    symptoms, index,
                )))  # fmt: skip
            results = {key: future.result() for key, future in futures}
        # Every key once more, on the surviving app: answered with the first result.
        for name, key, symptoms in jobs[:6]:
            again = _submit(ports[1:], getattr(world, name), world.patients[name], key,
                            symptoms, 0)  # fmt: skip
            assert again["id"] == results[key]["id"]

        # The surviving worker sends what is due; then it stops, and one more pass takes
        # over what the killed worker had claimed (as any worker does once its lease is over).
        def settled() -> bool:
            with factory() as session:
                waiting = session.scalar(
                    select(func.count()).select_from(OutboxMessage)
                    .where(OutboxMessage.status == OutboxStatus.PENDING)
                )  # fmt: skip
                events = session.scalar(select(func.count()).select_from(ReminderEvent))
            return waiting == 0 and events == 3 * PATIENTS

        deadline = time.monotonic() + 30
        while not settled():
            assert time.monotonic() < deadline, "the surviving worker did not catch up"
            time.sleep(0.3)
        workers[1].send_signal(signal.SIGTERM)
        workers[1].wait(timeout=30)
        smtp = parse_smtp_url(env["NEEDLECARE_SMTP_URL"])
        settings = JobsSettings(secret_key=SECRET, smtp=smtp, lease=timedelta(0))
        drain(factory, SmtpTransport(smtp), settings, clock=utcnow, rng=random.Random(1))
        _assert_nothing_lost_or_doubled(factory, jobs, results, sink)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        controller.stop()
        engine.dispose()


def _sessions_and_limits_are_shared(ports: list[int], world: World) -> None:
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    with httpx.Client(timeout=20) as client:
        form = client.get(f"{a}/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        done = client.post(f"{a}/login", data={"email": world.alice.email,
                           "password": world.alice.password, "csrf_token": token[1]})  # fmt: skip
        assert done.status_code == 303
        assert client.get(f"{b}/clinic/alerts").status_code == 200  # made on a, good on b
        cookie = client.cookies[security.SESSION_COOKIE]
        page = client.get(f"{b}/clinic/alerts").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf
        assert client.post(f"{b}/logout", data={"csrf_token": csrf[1]}).status_code == 303
        client.cookies.clear()
        client.cookies.set(security.SESSION_COOKIE, cookie)  # the cookie from before
        assert client.get(f"{a}/clinic/alerts").status_code == 303  # ended on a too
    with httpx.Client(timeout=20) as client:
        for attempt in range(10):  # ten failures, half on each app
            form = client.get(f"{(a, b)[attempt % 2]}/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token
            client.post(f"{(a, b)[attempt % 2]}/login", data={"email": world.bob.email,
                        "password": "wrong-password", "csrf_token": token[1]})  # fmt: skip
        form = client.get(f"{a}/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        locked = client.post(f"{a}/login", data={"email": world.bob.email,
                             "password": world.bob.password, "csrf_token": token[1]})  # fmt: skip
        assert locked.status_code == 429  # the right password, refused: counted on both


def _assert_nothing_lost_or_doubled(
    factory: Any, jobs: list[tuple[str, str, dict[str, Any]]],
    results: dict[str, dict[str, Any]], sink: Sink,
) -> None:  # fmt: skip
    with factory() as session:
        stored = Counter(session.scalars(select(Checkin.idempotency_key)))
        assert stored == Counter({key: 1 for _, key, _ in jobs})  # each check-in once
        assert {r["id"] for r in results.values()} == set(session.scalars(select(Checkin.id)))
        alerting = {
            c.id for c in session.scalars(select(Checkin).where(Checkin.level == "contact_clinic"))
        }
        alerts = Counter(session.scalars(select(Alert.checkin_id)))
        assert set(alerts) == alerting and set(alerts.values()) == {1}
        assert len(alerting) == sum(1 for _, _, s in jobs if s is FEVER)
        events = Counter(
            (e.treatment_id, e.due_day, e.kind) for e in session.scalars(select(ReminderEvent))
        )
        assert len(events) == 3 * PATIENTS and set(events.values()) == {1}
        queued = session.scalar(
            select(func.count()).select_from(ReminderEvent)
            .where(ReminderEvent.outcome == EventOutcome.QUEUED)
        )  # fmt: skip
        assert queued and queued >= PATIENTS  # every day-1 miss is reported (to 2 staff each)
        rows = session.scalars(select(OutboxMessage)).all()
        assert {row.status for row in rows} == {OutboxStatus.SENT}
        kinds = Counter(row.kind for row in rows)
        assert kinds["checkin_alert"] == 2 * len(alerting)  # one per staff member
        assert kinds["missed_checkin"] == 2 * PATIENTS  # day 1 missed, to both staff
    # Each outbox row reached the SMTP server; a second copy is possible only for a row whose
    # worker died between sending and recording it, and then carries the same Message-ID.
    received = Counter(sink.message_ids)
    assert len(received) == len(rows)
    extra = sum(received.values()) - len(received)
    assert extra <= 2, received
