"""Mixed load shaped like the morning peak of 100,000 patients in recovery, open loop.

Starts `needlecare serve` on a free port (SQLite in a temp data dir, then PostgreSQL on a
throwaway durable cluster started here), seeds patients with logins and treatments, then
offers every route of the profile below at its own rate, each request due at a random
(Poisson) time whatever the server is doing (open loop: a latency counts from the moment the
request was due, so a stalled server is charged for the requests it delayed). The load
generator runs on the same machine as the server and the database.

    .venv/bin/python bench/load_mixed.py                            # both databases, peak rate
    .venv/bin/python bench/load_mixed.py --db sqlite --scale 3      # 3 x the peak rate

The profile (requests/s at `--scale 1`) is PROFILE below; bench/README.md, "Load", gives
its reasoning, the figures and the saturation point.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import orjson
import uvloop
from sqlalchemy import select

from needlecare.demo import CLINICIAN
from needlecare.services.auth import new_token
from needlecare.services.passwords import hash_password
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.enums import Device, Role
from needlecare.storage.models import ApiToken, Patient, Treatment, User
from needlecare.storage.pgcluster import free_port, start_cluster
from needlecare.storage.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[1]
NEEDLECARE = str(ROOT / ".venv" / "bin" / "needlecare")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "load-test-patient-passphrase"
GOAL_P99_MS = 250.0
ANSWER_TIMEOUT_S = 30.0
# uvicorn closes a keep-alive connection idle for 5 s (its default, which `serve` keeps).
IDLE_REUSE_S = 4.0
# Mostly calm days, some breakouts, a few red flags (each of those raises an alert).
SYMPTOMS = (
    [{"redness": 1, "swelling": 0, "pain": 1, "flaking": True}] * 16
    + [{"redness": 1, "breakouts": {"count": 5, "kind": "whiteheads"}}] * 3
    + [{"redness": 2, "warmth": True, "pus_or_yellow_crust": True}]
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server process and its worker children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def postmaster_pid(directory: Path) -> int | None:
    """The cluster's postmaster (its backends are its children)."""
    for pid_file in directory.rglob("postmaster.pid"):
        return int(pid_file.read_text().split()[0])
    return None


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@contextmanager
def server(
    db: str, workers: int, extra: tuple[str, ...] = ()
) -> Iterator[tuple[str, int, int | None, str]]:
    """(base URL, server pid, PostgreSQL postmaster pid or None, database URL)."""
    data_dir = Path(tempfile.mkdtemp(prefix="needlecare-bench-"))
    env = {**os.environ, "NEEDLECARE_DATA_DIR": str(data_dir)}
    cluster = None
    if db == "postgresql":
        cluster = start_cluster(prefix="needlecare-bench-pg-", settings=("max_connections=200",))
        database_url = env["NEEDLECARE_DATABASE_URL"] = cluster.url("postgres")
    else:
        env.pop("NEEDLECARE_DATABASE_URL", None)
        database_url = f"sqlite:///{data_dir / 'needlecare.db'}"
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads during the run would fill up and
    # then block every server thread that logs.
    log_path = data_dir / "serve.log"
    log_file = log_path.open("wb")
    proc = subprocess.Popen(
        [
            NEEDLECARE,
            "serve",
            "--demo",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            *extra,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600  # worker processes import slowly on a busy machine
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace")[-4000:] or "serve died")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health within 600 s")
            time.sleep(0.2)
        db_pid = postmaster_pid(cluster.directory) if cluster else None
        yield base, proc.pid, db_pid, database_url
    finally:
        workers = children(proc.pid)
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for worker in workers:  # never leave a worker serving on a busy machine
            with suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)
        if cluster is not None:
            cluster.stop()
        log_file.close()
        shutil.rmtree(data_dir, ignore_errors=True)


class StaleConnection(Exception):
    """A kept-alive connection the server had already closed: it answered not one byte."""


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client connection: httpx costs about as much CPU per
    request as the server, on the same two cores."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.idle_since = 0.0  # time.monotonic() when its last answer ended

    async def request(self, method: str, path: str, headers: str, body: bytes = b"") -> int:
        reused = self.writer is not None
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{headers}"
        data = head.encode()
        if body:
            data += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        self.writer.write(data + b"\r\n" + body)
        try:
            status_line = await self.reader.readuntil(b"\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            self.close()
            # A reused connection that closes before the first byte of the answer was closed
            # by the server while idle (its keep-alive timeout raced our request): the
            # request never reached the app, so the caller may send it again.
            partial = isinstance(exc, asyncio.IncompleteReadError) and exc.partial
            if reused and not partial:
                raise StaleConnection from exc
            raise
        try:
            length = 0
            while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        self.idle_since = time.monotonic()
        return int(status_line.split(b" ", 2)[1])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass(frozen=True)
class Person:
    patient_id: int
    email: str
    token_headers: str  # Authorization: Bearer ...
    cookie_headers: str = ""  # Cookie: ... (a logged-in browser), for page views
    checkin_id: int = 0  # one of their check-ins, for the result page


@dataclass
class World:
    patients: list[Person]
    browsers: list[Person]  # the patients that also have a page session
    clinician_token: str
    clinician_cookie: str


Request = tuple[str, str, str, bytes]  # method, path, headers, body


def _checkin(world: World, rng: random.Random) -> Request:
    person = rng.choice(world.patients)
    body = orjson.dumps({"symptoms": rng.choice(SYMPTOMS)})
    key = f"Idempotency-Key: {uuid.uuid4().hex}\r\n"
    return (
        "POST",
        f"/api/v1/patients/{person.patient_id}/checkins",
        person.token_headers + key,
        body,
    )


def _today(world: World, rng: random.Random) -> Request:
    return "GET", "/today", rng.choice(world.browsers).cookie_headers, b""


def _result(world: World, rng: random.Random) -> Request:
    person = rng.choice(world.browsers)
    return "GET", f"/checkins/{person.checkin_id}", person.cookie_headers, b""


def _alert_queue(world: World, rng: random.Random) -> Request:
    return "GET", "/api/v1/alerts", world.clinician_token, b""


def _alerts_page(world: World, rng: random.Random) -> Request:
    return "GET", "/clinic/alerts", world.clinician_cookie, b""


def _login(world: World, rng: random.Random) -> Request:
    person = rng.choice(world.patients)
    body = orjson.dumps({"email": person.email, "password": PASSWORD, "name": "phone"})
    return "POST", "/api/v1/auth/tokens", "", body


@dataclass(frozen=True)
class Route:
    name: str
    rate: float  # requests/s at scale 1
    make: Callable[[World, random.Random], Request]


# 100,000 patients in recovery, each checking in once a day, most of them in a morning
# hour: ~28 check-ins/s. Each check-in is opened from Today and ends on its result page;
# some patients open Today without checking in. Clinics of ~500 patients in recovery (200
# clinics) with 2-3 clinicians on duty: ~500 alert screens, polled every ~30-60 s (API and
# page). Sessions and tokens last days: a patient logs in again about once in two weeks
# (~7,000 logins a day, a third of them in the peak hour).
PROFILE = (
    Route("check-in (API POST)", 30.0, _checkin),
    Route("Today page", 40.0, _today),
    Route("result page", 30.0, _result),
    Route("alert queue (API)", 10.0, _alert_queue),
    Route("alerts page", 5.0, _alerts_page),
    Route("login (API token)", 0.6, _login),
)


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    # Requests sent again after the server had closed their idle keep-alive connection.
    stale_retries: dict[str, int] = field(default_factory=dict)


@dataclass
class Run:
    samples: Samples
    offered: float
    elapsed: float
    server_cpu: float
    database_cpu: float | None
    load_before: float  # the 1-minute load average as the measured run starts


def seed(database_url: str, count: int) -> list[tuple[int, str, str]]:
    """`count` patients of the demo clinic, each with a login, a treatment 4 days ago and an
    API token: (patient id, email, raw token). Written straight to the database (one
    password hash for all: argon2 per patient would take minutes)."""
    engine = make_engine(database_url, pooled=False)
    uow = UnitOfWork(make_session_factory(engine))
    password_hash = hash_password(PASSWORD)
    found = []
    with uow:
        clinician = uow.session.scalars(select(User).where(User.email == CLINICIAN[0])).one()
        for n in range(count):
            email = f"load{n}@bench.needlecare.test"
            user = User(
                email=email,
                password_hash=password_hash,
                role=Role.PATIENT,
                clinic_id=clinician.clinic_id,
                display_name=f"Load {n}",
            )
            uow.session.add(user)
            uow.session.flush()
            patient = Patient(
                clinic_id=clinician.clinic_id,
                user_id=user.id,
                display_name=f"Load {n}",
                email=email,
                fitzpatrick=3,
                history=[],
            )
            uow.session.add(patient)
            uow.session.flush()
            uow.session.add(
                Treatment(
                    patient_id=patient.id,
                    treatment_date=date.today() - timedelta(days=4),
                    depth_mm=1.0,
                    device=Device.PEN,
                    areas=["face"],
                    fitzpatrick=3,
                )
            )
            raw, digest = new_token()
            uow.session.add(ApiToken(user_id=user.id, token_hash=digest, name="bench"))
            found.append((patient.id, email, raw))
        uow.commit()
    engine.dispose()
    return found


def page_login(client: httpx.Client, email: str, password: str) -> str:
    """A browser's session after logging in on the login page: its Cookie header line."""
    client.cookies.clear()
    token = CSRF.search(client.get("/login").text)
    assert token is not None, "no CSRF token on /login"
    form = {"email": email, "password": password, "csrf_token": token[1]}
    response = client.post("/login", data=form)
    assert response.status_code == 303, response.text
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return f"Cookie: {cookies}\r\n"


def build_world(base: str, database_url: str, patients: int, browsers: int) -> World:
    seeded = seed(database_url, patients)
    with httpx.Client(base_url=base, timeout=60) as client:
        clinician = client.post(
            "/api/v1/auth/tokens", json={"email": CLINICIAN[0], "password": CLINICIAN[1]}
        ).json()["token"]
        people = []
        for n, (patient_id, email, raw) in enumerate(seeded):
            token_headers = f"Authorization: Bearer {raw}\r\n"
            if n >= browsers:
                people.append(Person(patient_id, email, token_headers))
                continue
            first = client.post(
                f"/api/v1/patients/{patient_id}/checkins",
                json={"symptoms": SYMPTOMS[0]},
                headers={"Authorization": f"Bearer {raw}"},
            )
            assert first.status_code == 201, first.text
            cookie = page_login(client, email, PASSWORD)
            people.append(Person(patient_id, email, token_headers, cookie, first.json()["id"]))
        clinician_cookie = page_login(client, *CLINICIAN)
    return World(
        patients=people,
        browsers=[p for p in people if p.cookie_headers],
        clinician_token=f"Authorization: Bearer {clinician}\r\n",
        clinician_cookie=clinician_cookie,
    )


async def offer(
    base: str, world: World, scale: float, duration: float, seed_value: int
) -> tuple[Samples, float]:
    """Every route of PROFILE at `scale` x its rate for `duration` s (Poisson arrivals, each
    request sent when due on an idle connection, or a new one: nothing waits for the server
    before it is sent). Returns the samples and the offered rate."""
    host, port = base.removeprefix("http://").split(":")
    samples = Samples()
    idle: list[RawConnection] = []
    in_flight: set[asyncio.Task[None]] = set()
    pending: dict[asyncio.Task[None], str] = {}
    offered = 0

    def take_connection() -> RawConnection:
        # The server closes a connection idle for its keep-alive timeout: never reuse one
        # near that age (a request racing the close would fail through no fault of the app).
        while idle:
            candidate = idle.pop()
            if time.monotonic() - candidate.idle_since < IDLE_REUSE_S:
                return candidate
            candidate.close()
        return RawConnection(host, int(port))

    async def send(route: Route, due: float, request: Request) -> None:
        conn = take_connection()
        method, path, headers, body = request
        try:
            try:
                status = await conn.request(method, path, headers, body)
            except StaleConnection:
                # Counted, and sent again once on a fresh connection; its latency still
                # counts from when it was due. (Check-ins carry an Idempotency-Key.)
                samples.stale_retries[route.name] = samples.stale_retries.get(route.name, 0) + 1
                conn = RawConnection(host, int(port))
                status = await conn.request(method, path, headers, body)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            key = f"{route.name}: {type(exc).__name__}"
            samples.errors[key] = samples.errors.get(key, 0) + 1
            return
        took = time.perf_counter() - due
        idle.append(conn)
        if status >= 400:
            key = f"{route.name}: {status}"
            samples.errors[key] = samples.errors.get(key, 0) + 1
        else:
            samples.latencies.setdefault(route.name, []).append(took)

    async def arrivals(route: Route, rng: random.Random, start: float) -> None:
        nonlocal offered
        rate = route.rate * scale
        due = start + rng.expovariate(rate)
        while due < start + duration:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(send(route, due, route.make(world, rng)))
            in_flight.add(task)
            pending[task] = route.name
            task.add_done_callback(in_flight.discard)
            offered += 1
            due += rng.expovariate(rate)

    start = time.perf_counter() + 0.1
    await asyncio.gather(
        *(arrivals(r, random.Random(seed_value + i), start) for i, r in enumerate(PROFILE))
    )
    if in_flight:
        await asyncio.wait(in_flight, timeout=ANSWER_TIMEOUT_S)
    for task in list(in_flight):  # never answered: errors, not left out
        task.cancel()
        key = f"{pending[task]}: no answer within {ANSWER_TIMEOUT_S:g} s of the run's end"
        samples.errors[key] = samples.errors.get(key, 0) + 1
    for connection in idle:
        connection.close()
    return samples, offered / duration


def run_load(
    base: str, pid: int, db_pid: int | None, world: World, scale: float, args: argparse.Namespace
) -> Run:
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        if args.warmup:  # the same load first, not counted: pools fill, statements prepare
            runner.run(offer(base, world, scale, args.warmup, 1))
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(pid)
        db_before = cpu_seconds(db_pid) if db_pid else 0.0
        started = time.monotonic()
        samples, offered = runner.run(offer(base, world, scale, args.duration, 2))
        elapsed = time.monotonic() - started
    return Run(
        samples,
        offered,
        elapsed,
        cpu_seconds(pid) - cpu_before,
        cpu_seconds(db_pid) - db_before if db_pid else None,
        load_before,
    )


def report(db: str, scale: float, run: Run, args: argparse.Namespace) -> dict[str, object]:
    samples = run.samples
    answered = sum(len(v) for v in samples.latencies.values())
    errors = sum(samples.errors.values())
    total = answered + errors
    print(
        f"\n== {db}, {args.workers} worker(s), scale {scale:g}: {run.offered:.1f} req/s offered "
        f"for {args.duration:g} s after {args.warmup:g} s of warm-up; "
        f"load average {run.load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end =="
    )
    print(f"{'route':22} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    routes: dict[str, dict[str, float]] = {}
    for route in PROFILE:
        ms = [1000 * x for x in samples.latencies.get(route.name, [])]
        figures = {
            "count": len(ms),
            "p50": percentile(ms, 50),
            "p95": percentile(ms, 95),
            "p99": percentile(ms, 99),
            "max": max(ms) if ms else float("nan"),
        }
        routes[route.name] = figures
        print(
            f"{route.name:22} {len(ms):6d} {figures['p50']:8.1f} {figures['p95']:8.1f} "
            f"{figures['p99']:8.1f} {figures['max']:8.1f}"
        )
    print(f"answered {answered / run.elapsed:.1f} req/s; errors {samples.errors or 0}")
    if samples.stale_retries:
        print(f"sent again after the server closed an idle connection: {samples.stale_retries}")
    print(f"server CPU {1000 * run.server_cpu / max(total, 1):.2f} ms per request", end="")
    if run.database_cpu is not None:
        print(f"; PostgreSQL CPU {1000 * run.database_cpu / max(total, 1):.2f} ms per request")
    else:
        print()
    worst = max((f["p99"] for f in routes.values() if f["count"]), default=float("nan"))
    verdict = "met" if worst < GOAL_P99_MS and not errors else "NOT met"
    print(f"goal (p99 < {GOAL_P99_MS:g} ms on every route, 0 errors): {verdict}")
    return {
        "db": db,
        "scale": scale,
        "offered": run.offered,
        "errors": samples.errors,
        "stale_retries": samples.stale_retries,
        "routes": routes,
        "load_average": os.getloadavg()[0],
        "load_average_at_start": run.load_before,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--scale",
        type=float,
        nargs="+",
        default=[1.0],
        help="multiples of the profile's rates, one run each (on the same server)",
    )
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds, not counted")
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--browsers", type=int, default=30, help="patients with a page session")
    parser.add_argument(
        "--workers", type=int, default=3, help="server worker processes (default: cores + 1)"
    )
    parser.add_argument("--json", type=Path, help="append each run's figures to this file")
    args = parser.parse_args()
    # Stopped from outside (timeout, kill): still stop the server and the cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        with server(db, args.workers) as (base, pid, db_pid, database_url):
            world = build_world(base, database_url, args.patients, args.browsers)
            for scale in args.scale:
                figures = report(db, scale, run_load(base, pid, db_pid, world, scale, args), args)
                if args.json:
                    with args.json.open("a") as out:
                        out.write(orjson.dumps(figures).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
