"""`/health` answered on the event loop, from the database's latest answer.

A sync `/health` asked the database on a worker thread: two thread hops per call (loop to
thread, thread back to loop). On a loaded machine each hop waits for a core, and during a
burst of requests (a login flood) those waits were most of /health's 100-280 ms p99, the
`SELECT 1` itself under a millisecond (bench/README, "/health p99 during login-flood-x20").
Asking the database on the loop instead would block every request of the process whenever
the database is slow to answer (a full pool, a PostgreSQL failover).

So the database is asked on this module's own thread, one question at a time, and /health
answers at once from the latest answer while it is recent:

- younger than FRESH_S: that answer, nothing else done;
- older, but younger than STALE_S: that answer, and a new question is started (a load
  balancer polling every few seconds sees the database as it was at its previous poll);
- older than STALE_S, or none yet (the first call of a process): it waits for the new
  question's answer, at most WAIT_S, then says unavailable.

A database that stops answering is reported within STALE_S + WAIT_S, and a hung database
holds one thread, not one per /health call. Answers are stamped with the time the question
was asked, so a slow answer never counts as newer than it is.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from needlecare.storage.engine import READ_ONLY_OPTION

FRESH_S = 1.0
STALE_S = 5.0
WAIT_S = 5.0


@dataclass(frozen=True)
class _Answer:
    ok: bool
    asked_at: float


class DatabaseCheck:
    """Whether the database answers, asked at most once per FRESH_S, never on the loop."""

    def __init__(
        self,
        ask: Callable[[], bool],
        *,
        fresh_s: float = FRESH_S,
        stale_s: float = STALE_S,
        wait_s: float = WAIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ask = ask
        self.fresh_s = fresh_s
        self.stale_s = stale_s
        self.wait_s = wait_s
        self.clock = clock
        self.questions = 0  # how many times the database was asked (tests, metrics)
        self._answer: _Answer | None = None
        self._pending: concurrent.futures.Future[bool] | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    async def ok(self) -> bool:
        """The database's latest answer, on the loop; see the module's docstring."""
        now = self.clock()
        answer = self._answer
        pending = self._pending
        old = answer is None or now - answer.asked_at >= self.fresh_s
        if old and (pending is None or pending.done()):
            pending = self._pending = self._start()
        if answer is not None and now - answer.asked_at < self.stale_s:
            return answer.ok
        assert pending is not None
        try:
            # shield: a caller that stops waiting leaves the question running for the next.
            waited = asyncio.shield(asyncio.wrap_future(pending))
            return await asyncio.wait_for(waited, self.wait_s)
        except TimeoutError:
            return False

    def _start(self) -> concurrent.futures.Future[bool]:
        if self._executor is None:
            # One thread: one question at a time, started on first use (importing starts none).
            self._executor = concurrent.futures.ThreadPoolExecutor(
                1, thread_name_prefix="needlecare-health"
            )
        return self._executor.submit(self._question)

    def _question(self) -> bool:
        asked_at = self.clock()
        self.questions += 1
        try:
            ok = self.ask()
        except Exception:
            ok = False
        self._answer = _Answer(ok, asked_at)
        return ok

    def settle(self, timeout: float) -> None:
        """Wait until the question under way, if any, is answered (tests)."""
        pending = self._pending
        if pending is not None:
            concurrent.futures.wait([pending], timeout)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def select_one(engine: Engine) -> Callable[[], bool]:
    """The question: a read-only `SELECT 1` (on SQLite it waits for no writer)."""

    def ask() -> bool:
        with engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as connection:
            connection.execute(text("SELECT 1"))
        return True

    return ask
