"""Worker throughput: a schedule pass over N treatments and draining the resulting outbox
through a local aiosmtpd server, on SQLite (default) or a PostgreSQL URL.

    .venv/bin/python bench/jobs_outbox.py --patients 2000
    .venv/bin/python bench/jobs_outbox.py --patients 2000 --database-url postgresql+psycopg://...

Prints wall and CPU seconds for the schedule pass and the drain, and messages per second.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from needlecare.config import SmtpConfig
from needlecare.jobs.settings import JobsSettings
from needlecare.jobs.worker import Worker
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.enums import Device, Role
from needlecare.storage.migrate import upgrade
from needlecare.storage.models import Clinic, ClinicReminderSettings, Patient, Treatment, User
from needlecare.storage.uow import UnitOfWork


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(factory, patients: int) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork(factory) as uow:
        clinic = Clinic(name="Bench Clinic", timezone="Europe/London")
        uow.session.add(clinic)
        uow.flush()
        uow.session.add(
            ClinicReminderSettings(
                clinic_id=clinic.id,
                enabled=True,
                day_offsets=[1, 2, 3],
                local_time="09:00",
                grace_hours=24,
            )
        )
        uow.session.add(
            User(
                email="staff@example.org",
                password_hash="!",
                role=Role.ADMIN,
                clinic_id=clinic.id,
                display_name="Staff",
            )
        )
        for i in range(patients):
            patient = Patient(
                clinic_id=clinic.id, display_name=f"P{i}", email=f"p{i}@example.org", history=[]
            )
            uow.session.add(patient)
            uow.flush()
            uow.session.add(
                Treatment(
                    patient_id=patient.id,
                    treatment_date=date(2027, 6, 1),
                    depth_mm=1.0,
                    device=Device.PEN,
                    areas=["face"],
                    created_at=datetime(2027, 6, 1, tzinfo=UTC),
                )
            )
        uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        seed(factory, args.patients)
        handler, port = Counter(), free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        settings = JobsSettings(
            secret_key="b" * 40,
            smtp=SmtpConfig("127.0.0.1", port),
            mail_from="NeedleCare <care@example.org>",
            batch_size=50,
        )
        now = datetime(2027, 6, 2, 8, 30, tzinfo=UTC)  # day 1, 09:30 BST
        worker = Worker(factory, settings, clock=lambda: now)
        wall, cpu = time.perf_counter(), time.process_time()
        from needlecare.jobs.reminders import run_schedule

        report = run_schedule(factory, settings, now)
        s_wall, s_cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        sent = 0
        while True:
            drained = worker.run_once().outbox
            assert drained is not None
            sent += drained.sent
            if drained.sent == 0:
                break
        d_wall, d_cpu = time.perf_counter() - wall, time.process_time() - cpu
        controller.stop()
        engine.dispose()
    print(f"database: {url.split(':')[0]}; patients: {args.patients}")
    print(
        f"schedule pass: {report.reminders_queued} reminders queued in "
        f"{s_wall:.2f} s wall, {s_cpu:.2f} s CPU"
    )
    print(
        f"drain: {sent} emails sent (server counted {handler.count}) in {d_wall:.2f} s wall, "
        f"{d_cpu:.2f} s CPU = {sent / d_wall:.0f} emails/s"
    )


if __name__ == "__main__":
    main()
