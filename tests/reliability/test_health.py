"""`/health` on the event loop (issue 18): answered from the database's latest answer, which
its own thread asks for at most once per FRESH_S; a database that stops answering is
reported; /health answers even when every request thread is taken. Both databases."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from needlecare.web.health import DatabaseCheck

PATIENCE_S = 60.0  # only so that a broken test ends; nothing here is timed


class Database:
    """A stand-in question: answers `answer`, or raises, or waits for `release`."""

    def __init__(self) -> None:
        self.answer: bool | Exception = True
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> bool:
        assert self.release.wait(PATIENCE_S)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _check(database: Database, now: list[float], **limits: float) -> DatabaseCheck:
    return DatabaseCheck(database, clock=lambda: now[0], **limits)


def test_recent_answers_are_given_without_asking_again() -> None:
    database, now = Database(), [0.0]
    check = _check(database, now, fresh_s=1, stale_s=5)

    async def calls() -> list[bool]:
        first = [await check.ok()]  # none yet: waits for the first answer
        now[0] = 0.9
        return first + [await check.ok() for _ in range(50)]

    assert asyncio.run(calls()) == [True] * 51
    assert check.questions == 1
    check.close()


def test_an_older_answer_is_given_while_the_database_is_asked_again() -> None:
    database, now = Database(), [0.0]
    check = _check(database, now, fresh_s=1, stale_s=5)
    assert asyncio.run(check.ok()) is True
    database.release.clear()  # the next question hangs until released
    database.answer = False
    now[0] = 2.0
    assert asyncio.run(check.ok()) is True  # the answer of t=0, at once
    assert asyncio.run(check.ok()) is True  # one question at a time: none started
    database.release.set()
    check.settle(PATIENCE_S)
    assert check.questions == 2
    now[0] = 2.5
    assert asyncio.run(check.ok()) is False  # the answer asked at t=2
    check.close()


def test_an_old_answer_waits_for_the_new_one_and_a_hung_database_is_unavailable() -> None:
    database, now = Database(), [0.0]
    check = _check(database, now, fresh_s=1, stale_s=5, wait_s=0.05)
    assert asyncio.run(check.ok()) is True
    database.release.clear()
    now[0] = 6.0  # older than stale_s: the answer is not given any more
    assert asyncio.run(check.ok()) is False  # waited wait_s for a database that hangs
    database.release.set()
    check.settle(PATIENCE_S)
    now[0] = 6.5
    assert asyncio.run(check.ok()) is True  # it answered (asked at t=6)
    assert check.questions == 2
    database.answer = OSError("gone")
    now[0] = 20.0
    assert asyncio.run(check.ok()) is False
    check.close()


def test_health_tells_a_database_that_stopped_answering(app: FastAPI, client: TestClient) -> None:
    now = [0.0]
    check = app.state.database_check
    check.clock = lambda: now[0]
    assert client.get("/health").json()["status"] == "ok"
    app.state.engine.dispose()
    app.state.engine.pool._creator = _refuse  # every new connection now fails
    now[0] = 0.5
    assert client.get("/health").status_code == 200  # recent: not asked again
    now[0] = 2.0
    assert client.get("/health").status_code == 200  # asked again; the t=0 answer meanwhile
    check.settle(PATIENCE_S)
    now[0] = 2.5
    down = client.get("/health")
    assert down.status_code == 503 and down.json() == {"status": "database unavailable"}
    assert check.questions == 2


def _refuse() -> Any:
    raise OSError("database unreachable")


def test_health_answers_while_every_request_thread_is_taken(client: TestClient) -> None:
    """A sync route waits for one of the worker threads; /health needs none."""
    portal = client.portal
    assert portal is not None
    limiter = portal.call(anyio.to_thread.current_default_thread_limiter)
    total, borrower = limiter.total_tokens, object()
    portal.call(setattr, limiter, "total_tokens", 1)
    portal.call(limiter.acquire_on_behalf_of_nowait, borrower)
    pool = ThreadPoolExecutor(1)
    try:
        health = pool.submit(client.get, "/health").result(timeout=PATIENCE_S)
        assert health.status_code == 200
    finally:
        portal.call(limiter.release_on_behalf_of, borrower)
        portal.call(setattr, limiter, "total_tokens", total)
        pool.shutdown()  # a call that waited for a thread gets one now


@pytest.mark.parametrize("calls", [20])
def test_many_health_calls_ask_the_database_once(client: TestClient, calls: int) -> None:
    check = client.app.state.database_check  # type: ignore[attr-defined]
    now = [0.0]
    check.clock = lambda: now[0]
    assert all(client.get("/health").status_code == 200 for _ in range(calls))
    assert check.questions == 1
