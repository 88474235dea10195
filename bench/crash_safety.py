"""Crash safety: SIGKILL `needlecare serve` mid-load, restart it, check every acknowledged
check-in is stored exactly once with its triage result and nothing is half-written.

    .venv/bin/python bench/crash_safety.py                      # SQLite, then PostgreSQL
    .venv/bin/python bench/crash_safety.py --db sqlite --clients 20 --kill-after 4

Steps per database: start the server (--demo, no worker) on a free loopback port; create one
patient per client; the clients post check-ins (each with its own Idempotency-Key; 1 in 5 with
red flags, which raise an alert); after --kill-after seconds the whole server process group
gets SIGKILL; restart on the same data; then (1) every 2xx check-in is in the database exactly
once with level and triage result, (2) replaying its Idempotency-Key returns the same check-in,
(3) no check-in without a result, no urgent/contact_clinic check-in without its alert, no alert
without its check-in. Prints the counts; exit 1 on any violation.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from needlecare.demo import CLINICIAN
from needlecare.storage.pgcluster import PgCluster, free_port, start_cluster

ROOT = Path(__file__).resolve().parents[1]
NEEDLECARE = str(ROOT / ".venv" / "bin" / "needlecare")
CALM = {"redness": 1, "pain": 1, "flaking": True}
RED_FLAGS = {"redness": 2, "warmth": True, "pus_or_yellow_crust": True, "fever": True}


@dataclass
class Run:
    acked: list[tuple[int, str, int]] = field(default_factory=list)  # patient, key, checkin id
    sent: int = 0
    transport_errors: int = 0
    other_status: dict[int, int] = field(default_factory=dict)


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [NEEDLECARE, "serve", "--demo", "--no-worker", "--no-access-log", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "serve died")
        if time.monotonic() > deadline:
            raise RuntimeError("no /health within 180 s")
        time.sleep(0.2)


async def setup(client: httpx.AsyncClient, clients: int) -> tuple[dict[str, str], list[int]]:
    body = {"email": CLINICIAN[0], "password": CLINICIAN[1]}
    token = (await client.post("/api/v1/auth/tokens", json=body)).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    for n in range(clients):
        patient = await client.post(
            "/api/v1/patients", headers=headers, json={"display_name": f"Crash {n}"}
        )
        pid = patient.json()["id"]
        treated = (date.today() - timedelta(days=4)).isoformat()
        await client.post(
            f"/api/v1/patients/{pid}/treatments",
            headers=headers,
            json={"treatment_date": treated, "depth_mm": 1.0, "device": "pen"},
        )
        ids.append(pid)
    return headers, ids


async def post_until_dead(
    client: httpx.AsyncClient, headers: dict[str, str], pid: int, run: Run, stop_at: float
) -> None:
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        key = uuid.uuid4().hex
        symptoms = RED_FLAGS if n % 5 == 0 else CALM
        run.sent += 1
        try:
            response = await client.post(
                f"/api/v1/patients/{pid}/checkins",
                headers={**headers, "Idempotency-Key": key},
                json={"symptoms": symptoms},
            )
        except httpx.TransportError:
            run.transport_errors += 1
            await asyncio.sleep(0.05)
            continue
        if 200 <= response.status_code < 300:
            run.acked.append((pid, key, response.json()["id"]))
        else:
            status = response.status_code
            run.other_status[status] = run.other_status.get(status, 0) + 1


async def load_and_kill(base: str, proc: subprocess.Popen[bytes], clients: int,
                        kill_after: float) -> tuple[Run, dict[str, str]]:  # fmt: skip
    run = Run()
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        headers, ids = await setup(client, clients)
        stop_at = time.monotonic() + kill_after + 1.5  # keep posting into the dead server

        async def killer() -> None:
            await asyncio.sleep(kill_after)
            os.killpg(proc.pid, signal.SIGKILL)

        await asyncio.gather(
            killer(), *(post_until_dead(client, headers, pid, run, stop_at) for pid in ids)
        )
    proc.wait()
    return run, headers


def verify(database_url: str, base: str, headers: dict[str, str], run: Run) -> dict[str, int]:
    engine = create_engine(database_url)
    problems = {"missing": 0, "duplicated": 0, "without_result": 0, "replay_mismatch": 0}
    with engine.connect() as connection:
        for pid, key, checkin_id in run.acked:
            rows = connection.execute(
                text("SELECT id, level, triage_result FROM checkin "
                     "WHERE patient_id = :p AND idempotency_key = :k"),
                {"p": pid, "k": key},
            ).all()  # fmt: skip
            if not rows:
                problems["missing"] += 1
            elif len(rows) > 1:
                problems["duplicated"] += 1
            elif rows[0][0] != checkin_id or rows[0][1] is None or not rows[0][2]:
                problems["without_result"] += 1
        counts: dict[str, Any] = {
            "checkins_in_db": connection.execute(text("SELECT count(*) FROM checkin")).scalar(),
            "checkin_without_result": connection.execute(text(
                "SELECT count(*) FROM checkin WHERE triage_result IS NULL OR level IS NULL"
            )).scalar(),
            "alerting_checkin_without_alert": connection.execute(text(
                "SELECT count(*) FROM checkin c WHERE c.level IN ('urgent', 'contact_clinic') "
                "AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.checkin_id = c.id)"
            )).scalar(),
            "alert_without_checkin": connection.execute(text(
                "SELECT count(*) FROM alert a WHERE NOT EXISTS "
                "(SELECT 1 FROM checkin c WHERE c.id = a.checkin_id)"
            )).scalar(),
            "alerts_in_db": connection.execute(text("SELECT count(*) FROM alert")).scalar(),
        }  # fmt: skip
    engine.dispose()
    sample = run.acked[:: max(1, len(run.acked) // 50)]
    for pid, key, checkin_id in sample:  # replay: the same key must give the same check-in
        response = httpx.post(
            f"{base}/api/v1/patients/{pid}/checkins",
            headers={**headers, "Idempotency-Key": key},
            json={"symptoms": CALM},
            timeout=10,
        )
        if response.status_code >= 300 or response.json()["id"] != checkin_id:
            problems["replay_mismatch"] += 1
    return {**problems, **{k: int(v) for k, v in counts.items()}, "replayed": len(sample)}


def one_database(db: str, clients: int, kill_after: float) -> bool:
    data_dir = Path(tempfile.mkdtemp(prefix="needlecare-crash-"))
    env = {**os.environ, "NEEDLECARE_DATA_DIR": str(data_dir)}
    cluster: PgCluster | None = None
    if db == "postgresql":
        cluster = start_cluster(prefix="needlecare-crash-pg-", settings=("max_connections=200",))
        env["NEEDLECARE_DATABASE_URL"] = database_url = cluster.url("postgres")
    else:
        env.pop("NEEDLECARE_DATABASE_URL", None)
        database_url = f"sqlite:///{data_dir / 'needlecare.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        proc = start_server(env, port)
        run, headers = asyncio.run(load_and_kill(base, proc, clients, kill_after))
        restarted = start_server(env, port)
        try:
            result = verify(database_url, base, headers, run)
        finally:
            os.killpg(restarted.pid, signal.SIGTERM)
            restarted.wait(30)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    bad = {k: v for k, v in result.items() if k in (
        "missing", "duplicated", "without_result", "replay_mismatch", "checkin_without_result",
        "alerting_checkin_without_alert", "alert_without_checkin") and v}  # fmt: skip
    print(f"{db}: sent {run.sent}, acknowledged {len(run.acked)}, transport errors "
          f"{run.transport_errors}, other statuses {run.other_status}; after restart: {result}; "
          f"{'OK' if not bad else 'VIOLATIONS ' + str(bad)}", flush=True)  # fmt: skip
    return not bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--kill-after", type=float, default=4.0)
    options = parser.parse_args()
    dbs = ("sqlite", "postgresql") if options.db == "both" else (options.db,)
    ok = [one_database(db, options.clients, options.kill_after) for db in dbs]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
