"""Speed of the clinic outcomes at scale: the service, the API and the page, per clinic.

Run on a database seeded like several busy clinics (`needlecare demo seed`), e.g.
    .venv/bin/needlecare demo seed --clinics 4 --patients 50000 --days 1095   # into DATA_DIR
    .venv/bin/python bench/outcomes_scale.py --data-dir DATA_DIR [--repeat 20]
    .venv/bin/python bench/outcomes_scale.py --database-url postgresql+psycopg://... [--repeat 20]

With `--upgrade` the database is first upgraded to head. An API token is added for each
clinic's first admin and deleted at the end; the research export (skip it with `--no-export`)
adds one audit row per clinic. For each clinic: `services.outcomes.clinic_outcomes`
(the grouped reads and the figures), `GET /api/v1/clinic/outcomes` and `GET /clinic/outcomes`
(the page with its five charts) through the app in-process (Starlette's TestClient), `repeat`
times each after one warm-up; p50 / p95 / max in ms, and the research export once. Goal (issue
20): p95 < 500 ms at 50,000 patients and 1,000,000 check-ins.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import time
from base64 import b64encode
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import delete, func, select

from needlecare.config import load_settings
from needlecare.services import outcomes
from needlecare.services.auth import new_token, principal_for
from needlecare.storage.enums import Role
from needlecare.storage.migrate import upgrade
from needlecare.storage.models import ApiToken, Checkin, Clinic, OutcomeTreatment, User
from needlecare.storage.uow import UnitOfWork
from needlecare.web import security
from needlecare.web.app import create_app


def _timed(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm-up: compiled statements, templates, the page cache of the database
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"  {name:<28} p50 {statistics.median(ordered):7.1f}  p95 {p95:7.1f}  "
        f"max {ordered[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--upgrade", action="store_true", help="upgrade the database first")
    parser.add_argument("--no-export", action="store_true", help="skip the research export")
    parser.add_argument("--clinic", type=int, action="append", help="only these clinics")
    args = parser.parse_args()
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    settings = load_settings(**overrides)
    if args.upgrade:
        upgrade(settings.database_url)
    app = create_app(settings)
    factory = app.state.session_factory
    uow = UnitOfWork(factory)
    admins: list[tuple[int, User, str]] = []
    with factory() as session:
        checkins = session.scalar(select(func.count()).select_from(Checkin))
        followed = session.scalar(select(func.count()).select_from(OutcomeTreatment))
        for clinic_id in session.scalars(select(Clinic.id).order_by(Clinic.id)):
            admin = session.scalars(
                select(User).where(User.clinic_id == clinic_id, User.role == Role.ADMIN).limit(1)
            ).first()
            if admin is None or (args.clinic and clinic_id not in args.clinic):
                continue
            raw, digest = new_token()
            session.add(ApiToken(user_id=admin.id, token_hash=digest, name="bench"))
            admins.append((clinic_id, admin, raw))
        session.commit()
    kind = settings.database_url.split("://")[0]
    print(f"{kind}: {checkins:,} check-ins, {followed:,} followed treatments, "
          f"{len(admins)} clinics, repeat {args.repeat}")  # fmt: skip
    try:
        with TestClient(app) as client:
            for clinic_id, admin, token in admins:
                _clinic(client, uow, settings.secret_key, clinic_id, admin, token, args)
    finally:
        with factory() as session:
            session.execute(delete(ApiToken).where(ApiToken.name == "bench"))
            session.commit()
        app.state.engine.dispose()


def _clinic(
    client: TestClient,
    uow: UnitOfWork,
    secret_key: str,
    clinic_id: int,
    admin: User,
    token: str,
    args: argparse.Namespace,
) -> None:
    with uow.reading():
        actor = principal_for(uow.session, uow.session.get_one(User, admin.id))
    start = time.perf_counter()
    result = outcomes.clinic_outcomes(uow, actor)
    first = (time.perf_counter() - start) * 1000  # the clinic's first (the process's: cold)
    print(
        f"clinic {clinic_id}: {result.followed_treatments:,} treatments followed; "
        f"first call of the service {first:.0f} ms"
    )
    times = _timed(lambda: outcomes.clinic_outcomes(uow, actor), args.repeat)
    print(_line("service clinic_outcomes", times))
    headers = {"Authorization": f"Bearer {token}"}
    times = _timed(lambda: client.get("/api/v1/clinic/outcomes", headers=headers), args.repeat)
    print(_line("GET /api/v1/clinic/outcomes", times))
    data = {security._USER_KEY: admin.id, security._GENERATION_KEY: admin.session_generation,
            security._CSRF_KEY: secrets.token_urlsafe(32)}  # fmt: skip
    cookie = TimestampSigner(secret_key).sign(b64encode(json.dumps(data).encode())).decode()
    client.cookies.set(security.SESSION_COOKIE, cookie)
    assert client.get("/clinic/outcomes").status_code == 200
    print(_line("GET /clinic/outcomes (page)", _timed(lambda: client.get("/clinic/outcomes"),
                                                       args.repeat)))  # fmt: skip
    client.cookies.clear()
    if not args.no_export:
        for fmt in ("csv", "json"):
            print(_export(client, headers, fmt))


def _peak_rss_reset() -> None:
    """Start a new peak of resident memory (Linux: VmHWM from here on)."""
    Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _export(client: TestClient, headers: dict[str, str], fmt: str) -> str:
    """The research export once, streamed as a client reads it: time to the first and the
    last byte, size, rows, and the process's peak resident memory over its baseline."""
    _peak_rss_reset()
    before = _peak_rss_mib()
    start = time.perf_counter()
    first = None
    size = rows = 0
    # A CSV row ends a line; a JSON row starts with its first key (a chunk may end inside it).
    mark = b"\n" if fmt == "csv" else b'{"treatment_ref": '
    carry = b""
    with client.stream("GET", f"/api/v1/clinic/research.{fmt}", headers=headers) as response:
        for chunk in response.iter_bytes():
            first = first or time.perf_counter()
            size += len(chunk)
            rows += (carry + chunk).count(mark)
            carry = chunk[-(len(mark) - 1) :] if len(mark) > 1 else b""
    took = (time.perf_counter() - start) * 1000
    first_ms = ((first or time.perf_counter()) - start) * 1000
    rows -= fmt == "csv"  # the header line
    return (
        f"  research.{fmt} once: first byte {first_ms:.0f} ms, all {took:.0f} ms, "
        f"{size / 2**20:.1f} MiB, {rows:,} rows, peak RSS +{_peak_rss_mib() - before:.0f} MiB"
    )


if __name__ == "__main__":
    main()
