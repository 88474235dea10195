"""CPU time per request of the app itself, in-process (no HTTP client, no network).

Calls the ASGI app directly on a fresh SQLite database with the demo data and reports the
process CPU time (all threads) per request for a few routes. CPU time stays meaningful when
other work shares the cores, unlike wall-clock latency.

    .venv/bin/python bench/load_cpu_per_request.py [--requests 300] [--rounds 3]
    .venv/bin/python bench/load_cpu_per_request.py --count-calls
    .venv/bin/python bench/load_cpu_per_request.py --count-statements --only today result

`--count-calls` reports Python and C function calls per request instead (cProfile, with the
thread-pool hop run inline so that one profiler sees everything): not a time, but a figure that
does not move when other work shares the machine, to compare two versions of the code.
`--count-statements` reports units of work, SQL statements and commits per request (what a
disk-bound SQLite with synchronous=FULL pays for: each commit waits for the disk). `--only`
picks routes by a word of their name.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
from sqlalchemy import event

from needlecare.config import Settings
from needlecare.demo import CLINICIAN, PATIENT, seed
from needlecare.services import auth
from needlecare.storage.migrate import upgrade
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app


async def call(
    app: Any,
    method: str,
    path: str,
    body: bytes = b"",
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "headers": [(b"host", b"bench"), (b"content-type", b"application/json"), *headers],
    }
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


async def count_calls(name: str, request: Callable[[], Awaitable[int]], requests: int) -> None:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        await request()
    profile.disable()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    print(f"{name:22s} {calls / requests:8.0f} function calls per request")


class Counter:
    """Units of work entered, SQL statements and commits, on one engine."""

    def __init__(self, engine: Any) -> None:
        self.units = self.statements = self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        enter = UnitOfWork.__enter__

        def counted_enter(uow: UnitOfWork) -> UnitOfWork:
            self.units += 1
            return enter(uow)

        UnitOfWork.__enter__ = counted_enter  # type: ignore[method-assign]

    def _statement(self, *_args: Any) -> None:
        self.statements += 1

    def _commit(self, *_args: Any) -> None:
        self.commits += 1

    def snapshot(self) -> tuple[int, int, int]:
        return self.units, self.statements, self.commits


async def count_statements(
    name: str, request: Callable[[], Awaitable[int]], requests: int, counter: Counter
) -> None:
    before = counter.snapshot()
    for _ in range(requests):
        await request()
    units, statements, commits = (b - a for a, b in zip(before, counter.snapshot(), strict=True))
    print(
        f"{name:22s} {units / requests:5.1f} units of work, {statements / requests:5.1f} "
        f"statements, {commits / requests:4.1f} commits per request"
    )


async def page_cookie(app: Any, email: str, password: str) -> bytes:
    """Log in on the login page (as a browser does) and return the session cookie."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = await client.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {"email": email, "password": password, "csrf_token": token}
        answer = await client.post("/login", data=form)
        assert answer.status_code == 303, answer.text
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode()


async def _inline(func: Callable[..., Any], *args: Any, **_kwargs: Any) -> Any:
    return func(*args)


async def measure(app: Any, token: str, args: argparse.Namespace, counter: Counter) -> None:
    bearer = (b"authorization", f"Bearer {token}".encode())
    patient = (b"cookie", await page_cookie(app, *PATIENT))
    clinician = (b"cookie", await page_cookie(app, *CLINICIAN))
    checkin = json.dumps({"symptoms": {"redness": 1, "flaking": True}}).encode()
    login = json.dumps({"email": PATIENT[0], "password": PATIENT[1]}).encode()
    routes: dict[str, Callable[[], Awaitable[int]]] = {
        "unknown URL (404)": lambda: call(app, "GET", "/api/v1/nothing"),
        "GET /health": lambda: call(app, "GET", "/health"),
        "GET /api/v1/me": lambda: call(app, "GET", "/api/v1/me", headers=(bearer,)),
        "POST check-in": lambda: call(
            app,
            "POST",
            "/api/v1/patients/2/checkins",
            checkin,
            (bearer, (b"idempotency-key", uuid.uuid4().hex.encode())),
        ),
        "GET /api/v1/alerts": lambda: call(app, "GET", "/api/v1/alerts", headers=(bearer,)),
        "GET /today (page)": lambda: call(app, "GET", "/today", headers=(patient,)),
        "GET /checkins/1 result": lambda: call(app, "GET", "/checkins/1", headers=(patient,)),
        "GET /clinic/alerts": lambda: call(app, "GET", "/clinic/alerts", headers=(clinician,)),
        # argon2 dominates its CPU time; its units of work and statements are the point.
        "POST login (token)": lambda: call(app, "POST", "/api/v1/auth/tokens", login),
    }
    if args.only:
        routes = {
            name: r for name, r in routes.items() if any(w in name.lower() for w in args.only)
        }
    requests, rounds = args.requests, args.rounds
    for name, request in routes.items():
        status = await request()
        assert status == 404 if name.startswith("unknown") else status < 300, (name, status)
        if args.count_calls:
            await count_calls(name, request, requests)
            continue
        if args.count_statements:
            await count_statements(name, request, requests, counter)
            continue
        per_round = []
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(requests):
                await request()
            per_round.append((time.process_time() - started) / requests * 1000)
        print(
            f"{name:22s} {min(per_round):6.2f} ms CPU per request "
            f"(best of {rounds}; median {statistics.median(per_round):6.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per round")
    # Other work on the machine inflates CPU time too (shared caches, frequency): the best
    # round is the steadiest figure.
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--count-calls", action="store_true", help="function calls per request, not CPU time"
    )
    parser.add_argument(
        "--count-statements",
        action="store_true",
        help="units of work, SQL statements and commits per request",
    )
    parser.add_argument("--only", nargs="+", default=[], help="routes whose name has a word")
    args = parser.parse_args()
    args.only = [word.lower() for word in args.only]
    if args.count_calls:
        anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    data_dir = Path(tempfile.mkdtemp(prefix="needlecare-cpu-"))
    url = f"sqlite:///{data_dir / 'bench.db'}"
    upgrade(url)
    app = create_app(Settings(data_dir=data_dir, database_url=url, secret_key="b" * 40))
    uow = UnitOfWork(app.state.session_factory)
    seed(uow)
    token = auth.create_token(uow, *CLINICIAN).token
    counter = Counter(app.state.engine)
    asyncio.run(measure(app, token, args, counter))


if __name__ == "__main__":
    main()
