"""Clinic pages, API lists and the worker's pass on a database of several busy clinics (issue 20).

Build the database first (minutes; once), then measure, on SQLite and on PostgreSQL:

    NEEDLECARE_DATA_DIR=/tmp/scale NEEDLECARE_DATABASE_URL=... \\
        .venv/bin/needlecare demo seed --clinics 4 --patients 50000 --days 1095
    .venv/bin/python bench/clinic_scale.py --url sqlite:////tmp/scale/needlecare.db
    .venv/bin/python bench/clinic_scale.py --url postgresql+psycopg://user@host:port/db

It migrates the database to head, logs in as clinic 1's admin (the seed's printed login) on
the login page and for an API token, then requests each clinic page and API list `--requests`
times in-process (the ASGI app through Starlette's test client: server time without the
network) and prints p50/p95 wall-clock ms and the body size. Then the worker: one pass to
catch up with what the seed left due, and `--passes` more passes, each timed in process CPU
(`time.process_time`: the whole process, all threads), when little is due. The machine's
load average is printed with the figures: wall-clock times on a shared machine move with it.

Goal (issue 20): every page and list p95 < 100 ms, the worker's pass < 100 ms CPU when little
is due, and no page whose time grows with the table.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from needlecare.config import Settings
from needlecare.demo_scale import PASSWORD
from needlecare.jobs.settings import jobs_settings
from needlecare.jobs.worker import Worker
from needlecare.storage.enums import Role
from needlecare.storage.migrate import upgrade
from needlecare.storage.models import Checkin, Clinic, Patient, User

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MORE = re.compile(r'href="(/clinic/patients\?[^"]*cursor=[^"]+)"')
ALERTS_MORE = re.compile(r'href="(/clinic/alerts\?cursor=[^"]+)"')
PATIENT_MORE = re.compile(r'href="(/clinic/patients/\d+\?checkins=[^"#]+)#')
NEXT = re.compile(r'<([^>]+)>; rel="next"')


def _login(client: TestClient, email: str) -> dict[str, str]:
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token, "no CSRF field on /login"
    answer = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303, answer.text[:300]
    api = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    assert api.status_code in (200, 201), api.text[:300]
    return {"Authorization": f"Bearer {api.json()['token']}"}


def _statements(client: TestClient, path: str, headers: dict[str, str]) -> tuple[int, int]:
    """(statements, commits) of one request: a page whose statement count is fixed and whose
    statements walk an index in page order (tests/*scale*, plans) does not grow with the
    table."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    counts = [0, 0]

    def statement(*_args: object) -> None:
        counts[0] += 1

    def commit(*_args: object) -> None:
        counts[1] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    return counts[0], counts[1]


def _time(client: TestClient, path: str, headers: dict[str, str], n: int) -> str:
    for _ in range(2):  # warm caches and compiled statements
        client.get(path, headers=headers)
    statements, commits = _statements(client, path, headers)
    times, size, status = [], 0, 0
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        size, status = len(response.content), response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return (
        f"{path[:70]:70s} {statistics.median(times):7.1f} {p95:7.1f}  {size / 1024:7.1f} KiB"
        f" {statements:4d} {commits:3d}" + ("" if status == 200 else f"  HTTP {status}")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of a seeded database")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--skip-worker", action="store_true")
    args = parser.parse_args()
    upgrade(args.url)
    data_dir = Path(tempfile.mkdtemp(prefix="clinic-scale-"))
    settings = Settings(data_dir=data_dir, database_url=args.url, secret_key="s" * 40)
    from needlecare.web.app import create_app

    app = create_app(settings)
    with TestClient(app, base_url="http://testserver.local", follow_redirects=False) as client:
        factory = app.state.session_factory
        with factory() as session:
            totals = {
                name: session.scalar(select(func.count()).select_from(model))
                for name, model in (("patients", Patient), ("check-ins", Checkin))
            }
            clinic_id = session.scalar(select(func.min(Clinic.id)))
            admin = session.scalar(
                select(User.email).where(User.clinic_id == clinic_id, User.role == Role.ADMIN)
            )
            busy = session.scalar(
                select(Checkin.patient_id)
                .join(Patient, Patient.id == Checkin.patient_id)
                .where(Patient.clinic_id == clinic_id)
                .group_by(Checkin.patient_id)
                .order_by(func.count().desc())
                .limit(1)
            )
        assert admin is not None, "no seeded clinic: run needlecare demo seed first"
        api = _login(client, admin)
        roster = client.get("/clinic/patients")
        more = MORE.search(roster.text)
        alerts_more = ALERTS_MORE.search(client.get("/clinic/alerts").text)
        patient_more = PATIENT_MORE.search(client.get(f"/clinic/patients/{busy}").text)
        queue_next = NEXT.search(
            client.get("/api/v1/alerts/queue", headers=api).headers.get("link", "")
        )
        api_page = client.get("/api/v1/patients?limit=100", headers=api)
        api_next = NEXT.search(api_page.headers.get("link", ""))
        paths_pages = [
            "/clinic/patients",
            "/clinic/patients?q=smith",
            "/clinic/patients?show=alert",
            "/clinic/patients?show=recovery",
            "/clinic/patients?show=missed",
            *([more.group(1).replace("&amp;", "&")] if more else []),
            "/clinic/alerts",
            *([alerts_more.group(1).replace("&amp;", "&")] if alerts_more else []),
            "/clinic/audit",
            "/clinic/audit?action=checkin.",
            "/clinic/audit?action=staff.deactivate",  # a rare action: its own index
            "/clinic/audit?patient=smith",  # a search: the matches to pick from
            f"/clinic/patients/{busy}",
            *([patient_more.group(1).replace("&amp;", "&")] if patient_more else []),
            "/clinic/outcomes",
        ]
        paths_api = [
            "/api/v1/patients",
            *([api_next.group(1).removeprefix("http://testserver.local")] if api_next else []),
            "/api/v1/alerts",
            "/api/v1/alerts?state=resolved",
            "/api/v1/alerts/queue",
            *([queue_next.group(1).removeprefix("http://testserver.local")] if queue_next else []),
            "/api/v1/audit",
            f"/api/v1/patients/{busy}/checkins",
            f"/api/v1/patients/{busy}/notes",
            f"/api/v1/patients/{busy}/messages",
            f"/api/v1/patients/{busy}/photos",
        ]
        print(
            f"{args.url.split('://')[0]}: {totals['patients']} patients, "
            f"{totals['check-ins']} check-ins; load average {os.getloadavg()[0]:.1f} at start"
        )
        print(f"{'request':70s} {'p50 ms':>7s} {'p95 ms':>7s}  {'body':>11s} stmts commits")
        for path in paths_pages:
            print(_time(client, path, {}, args.requests))
        for path in paths_api:
            print(_time(client, path, api, args.requests))
        print(f"load average {os.getloadavg()[0]:.1f} after the requests")
        if args.skip_worker:
            return
        worker = Worker(factory, jobs_settings(settings), clock=lambda: datetime.now(UTC))
        started = time.process_time()
        first = worker.run_once()
        print(
            f"worker catch-up pass: {(time.process_time() - started) * 1000:.0f} ms CPU "
            f"({first.schedule.events} moments handled)"
        )
        cpu = []
        for _ in range(args.passes):
            started = time.process_time()
            report = worker.run_once()
            cpu.append((time.process_time() - started) * 1000)
        print(
            f"worker pass, little due: median {statistics.median(cpu):.0f} ms CPU, "
            f"max {max(cpu):.0f} ms over {args.passes} passes (last: {report.schedule.events} "
            f"moments); load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
