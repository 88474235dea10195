"""Load test on loopback: 50 concurrent clients posting check-ins and reading the alert queue.

Starts `needlecare serve` on a free port (SQLite in a temp data dir, then PostgreSQL on a
throwaway durable cluster started here), sets up one clinic with one patient per client,
then runs for a bounded time and reports latency percentiles and requests per second.

    .venv/bin/python bench/load_checkins.py                     # both databases, 20 s each
    .venv/bin/python bench/load_checkins.py --db sqlite --duration 10 --workers 2

The server runs 3 worker processes by default (cores + 1 on this machine; docs/operations.md).

Goal (issue 5): check-in p99 < 50 ms and >= 300 requests/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import orjson
import uvloop

from needlecare.demo import CLINICIAN
from needlecare.storage.pgcluster import free_port, start_cluster

ROOT = Path(__file__).resolve().parents[1]
NEEDLECARE = str(ROOT / ".venv" / "bin" / "needlecare")
# Mostly calm days, some breakouts, a few red flags (each of those raises an alert).
SYMPTOMS = (
    [{"redness": 1, "swelling": 0, "pain": 1, "flaking": True}] * 16
    + [{"redness": 1, "breakouts": {"count": 5, "kind": "whiteheads"}}] * 3
    + [{"redness": 2, "warmth": True, "pus_or_yellow_crust": True}]
)


@dataclass
class Samples:
    checkin: list[float] = field(default_factory=list)
    alerts: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    # (scheduled start, latency, method) of every answered request, for --trace
    timeline: list[tuple[float, float, str]] = field(default_factory=list)


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
) -> Iterator[tuple[str, int, int | None]]:
    """(base URL, server pid, PostgreSQL postmaster pid or None)."""
    data_dir = Path(tempfile.mkdtemp(prefix="needlecare-bench-"))
    env = {**os.environ, "NEEDLECARE_DATA_DIR": str(data_dir)}
    cluster = None
    if db == "postgresql":
        cluster = start_cluster(prefix="needlecare-bench-pg-", settings=("max_connections=200",))
        env["NEEDLECARE_DATABASE_URL"] = cluster.url("postgres")
    else:
        env.pop("NEEDLECARE_DATABASE_URL", None)
    port = free_port()
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
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # worker processes import slowly on a busy machine
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "serve died")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health within 180 s")
            time.sleep(0.2)
        yield base, proc.pid, postmaster_pid(cluster.directory) if cluster else None
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


async def setup(client: httpx.AsyncClient, clients: int) -> tuple[dict[str, str], list[int]]:
    token = (
        await client.post(
            "/api/v1/auth/tokens", json={"email": CLINICIAN[0], "password": CLINICIAN[1]}
        )
    ).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    patient_ids = []
    for n in range(clients):
        patient = (
            await client.post(
                "/api/v1/patients",
                headers=headers,
                json={"display_name": f"Load {n}", "fitzpatrick": 3},
            )
        ).json()
        await client.post(
            f"/api/v1/patients/{patient['id']}/treatments",
            headers=headers,
            json={
                "treatment_date": (date.today() - timedelta(days=4)).isoformat(),
                "depth_mm": 1.0,
                "device": "pen",
            },
        )
        patient_ids.append(patient["id"])
    return headers, patient_ids


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client (one connection per simulated user): httpx costs
    about as much CPU per request as the server, on the same two cores."""

    def __init__(self, host: str, port: int, authorization: str) -> None:
        self.host, self.port = host, port
        self.common = f"Host: {host}:{port}\r\nAuthorization: {authorization}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"", extra: str = "") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\n".encode() + self.common + extra.encode()
        if body:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        self.writer.write(head + b"\r\n" + body)
        try:
            status_line = await self.reader.readuntil(b"\r\n")
            length = 0
            while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        return int(status_line.split(b" ", 2)[1])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def one_raw_client(
    connection: RawConnection,
    patient_id: int,
    stop_at: float,
    samples: Samples,
    rng: random.Random,
    interval: float,
) -> None:
    """The same mix as `one_client`, over a RawConnection. With `interval` > 0 the client
    sends on a fixed schedule (open loop) and each latency counts from the scheduled time,
    so a stalled server is charged for the requests it delayed (no coordinated omission)."""
    n = 0
    scheduled = time.perf_counter() + rng.uniform(0, interval)  # spread the clients out
    while time.monotonic() < stop_at:
        n += 1
        if interval:
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            started = scheduled
            scheduled += interval
        else:
            started = time.perf_counter()
        try:
            if n % 5 == 0:
                bucket, method = samples.alerts, "GET"
                status = await connection.request("GET", "/api/v1/alerts")
            else:
                bucket, method = samples.checkin, "POST"
                body = orjson.dumps({"symptoms": rng.choice(SYMPTOMS)})
                status = await connection.request(
                    "POST",
                    f"/api/v1/patients/{patient_id}/checkins",
                    body,
                    f"Idempotency-Key: {uuid.uuid4().hex}\r\n",
                )
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            key = type(exc).__name__
            samples.errors[key] = samples.errors.get(key, 0) + 1
            continue
        elapsed = time.perf_counter() - started
        if status >= 300:
            key = f"{method} {status}"
            samples.errors[key] = samples.errors.get(key, 0) + 1
        else:
            bucket.append(elapsed)
            samples.timeline.append((started, elapsed, method))


async def one_client(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    patient_id: int,
    stop_at: float,
    samples: Samples,
    rng: random.Random,
) -> None:
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        started = time.perf_counter()
        try:
            if n % 5 == 0:
                bucket = samples.alerts
                response = await client.get("/api/v1/alerts", headers=headers)
            else:
                bucket = samples.checkin
                response = await client.post(
                    f"/api/v1/patients/{patient_id}/checkins",
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                    json={"symptoms": rng.choice(SYMPTOMS)},
                )
        except httpx.TransportError as exc:  # counted, not fatal: the run goes on
            key = type(exc).__name__
            samples.errors[key] = samples.errors.get(key, 0) + 1
            continue
        elapsed = time.perf_counter() - started
        if response.status_code >= 300:
            key = f"{response.request.method} {response.status_code}"
            samples.errors[key] = samples.errors.get(key, 0) + 1
        else:
            bucket.append(elapsed)


@dataclass
class Run:
    samples: Samples
    elapsed: float
    server_cpu: float
    client_cpu: float
    database_cpu: float | None


async def run_load(
    base: str,
    pid: int,
    db_pid: int | None,
    clients: int,
    duration: float,
    raw: bool,
    rate: float,
    warmup: float,
) -> Run:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        headers, patient_ids = await setup(client, clients)
        samples = Samples()
        rng = random.Random(5)
        host, port = base.removeprefix("http://").split(":")
        connections = [
            RawConnection(host, int(port), headers["Authorization"]) for _ in patient_ids
        ]
        interval = clients / rate if rate else 0

        async def raw_clients(stop_at: float, into: Samples) -> None:
            await asyncio.gather(
                *(
                    one_raw_client(connection, patient, stop_at, into, rng, interval)
                    for connection, patient in zip(connections, patient_ids, strict=True)
                )
            )

        if raw and warmup:
            # The same load first, not counted: fresh pools open their connections, the
            # PostgreSQL driver prepares its statements, each process reads the protocol.
            await raw_clients(time.monotonic() + warmup, Samples())
        cpu_before, client_before = cpu_seconds(pid), time.process_time()
        db_before = cpu_seconds(db_pid) if db_pid else 0.0
        started = time.monotonic()
        stop_at = started + duration
        if raw:
            await raw_clients(stop_at, samples)
        else:
            await asyncio.gather(
                *(one_client(client, headers, p, stop_at, samples, rng) for p in patient_ids)
            )
        elapsed = time.monotonic() - started
        run = Run(
            samples,
            elapsed,
            cpu_seconds(pid) - cpu_before,
            time.process_time() - client_before,
            cpu_seconds(db_pid) - db_before if db_pid else None,
        )
        for connection in connections:
            connection.close()
        return run


def report(db: str, workers: int, client: str, rate: float, warmup: float, run: Run) -> None:
    samples, elapsed, cpu = run.samples, run.elapsed, run.server_cpu
    total = len(samples.checkin) + len(samples.alerts) + sum(samples.errors.values())
    ms = [1000 * x for x in samples.checkin]
    ams = [1000 * x for x in samples.alerts]
    load = os.getloadavg()[0]
    print(
        f"\n== {db}, {workers} worker(s), {client} client, "
        f"{f'open loop at {rate:g} req/s offered' if rate else 'closed loop'}, "
        f"{elapsed:.1f} s after {warmup:g} s of warm-up, load average {load:.1f} =="
    )
    print(
        f"server CPU      {1000 * cpu / max(total, 1):8.2f} ms per request "
        f"(all server processes; the client runs on the same cores)"
    )
    print(f"client CPU      {1000 * run.client_cpu / max(total, 1):8.2f} ms per request")
    if run.database_cpu is not None:
        print(f"PostgreSQL CPU  {1000 * run.database_cpu / max(total, 1):8.2f} ms per request")
    print(f"requests/s      {total / elapsed:8.1f}   (total {total}, errors {samples.errors or 0})")
    print(
        f"check-ins       {len(ms):8d}   p50 {percentile(ms, 50):6.1f} ms  "
        f"p95 {percentile(ms, 95):6.1f} ms  p99 {percentile(ms, 99):6.1f} ms  "
        f"mean {statistics.fmean(ms) if ms else float('nan'):6.1f} ms"
    )
    print(
        f"alert queue     {len(ams):8d}   p50 {percentile(ams, 50):6.1f} ms  "
        f"p95 {percentile(ams, 95):6.1f} ms  p99 {percentile(ams, 99):6.1f} ms"
    )
    print(slow_windows(samples.timeline))


def slow_windows(timeline: list[tuple[float, float, str]], over_ms: float = 50) -> str:
    """Where the tail is: the requests over `over_ms`, counted by the quarter-second they were
    due in. A few windows holding most of them is a stall (a pause somewhere); many windows
    with one or two each is queueing."""
    if not timeline:
        return "slow requests    none answered"
    start = min(due for due, _, _ in timeline)
    windows: dict[int, list[float]] = {}
    for due, latency, _ in timeline:
        if latency * 1000 > over_ms:
            windows.setdefault(int((due - start) * 4), []).append(latency * 1000)
    slow = sum(len(v) for v in windows.values())
    worst = sorted(windows.items(), key=lambda item: -len(item[1]))[:3]
    where = ", ".join(f"{w / 4:.2f} s: {len(v)} (max {max(v):.0f} ms)" for w, v in worst)
    return f"over {over_ms:g} ms    {slow:8d}   in {len(windows)} quarter-seconds" + (
        f"; most in {where}" if worst else ""
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument(
        "--warmup",
        type=float,
        default=2.0,
        help="seconds of the same load before the measured run, not counted (raw client)",
    )
    parser.add_argument(
        "--workers", type=int, default=3, help="server worker processes (default: cores + 1)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=300.0,
        help="requests/s offered by all clients together, on a fixed schedule (open loop; "
        "latency counts from the scheduled time); 0: each client sends its next request as "
        "soon as the last one is answered (closed loop: measures the ceiling)",
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="serve without the in-process background job worker",
    )
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="raw: a minimal keep-alive HTTP/1.1 client (lean); httpx: httpx.AsyncClient "
        "(closed loop only)",
    )
    args = parser.parse_args()
    for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        extra = ("--no-worker",) if args.no_worker else ()
        with (
            server(db, args.workers, extra) as (base, pid, db_pid),
            # uvloop, as the server uses: the client shares the two cores, and costs less so.
            asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner,
        ):
            run = runner.run(
                run_load(
                    base,
                    pid,
                    db_pid,
                    args.clients,
                    args.duration,
                    args.client == "raw",
                    args.rate,
                    args.warmup,
                )
            )
        warmed = args.warmup if args.client == "raw" else 0.0
        report(db, args.workers, args.client, args.rate, warmed, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
