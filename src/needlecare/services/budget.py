"""A cost budget for expensive work: how many run at once per process, and untrusted decoding
in a child process under CPU-time and memory limits.

`expensive("decode")` (photo decoding and analysis), `expensive("password")` (argon2) and
`expensive("pdf")` hold one of a few slots per kind; when every slot stays taken for
QUEUE_WAIT_S the caller gets `Busy` (503 with Retry-After) instead of queueing without end,
so a burst of costly requests cannot take every worker thread and starve the rest.

`run("password", fn, *args)` runs in-process CPU work that allocates a lot on the kind's own
few long-lived threads instead. glibc gives each thread that allocates its own malloc arena
and keeps a freed 19 MiB argon2 block in it: twenty logins hashed on twenty request threads
left ~270 MB resident for good (bench/README, issue 18); the same two threads reuse their
two arenas. Past MAX_WAITING_PER_SLOT waiting jobs per thread the caller gets `Busy` at once.

`run_isolated(fn, *args)` runs `fn` in a fresh child process (forkserver: the child is forked
from a small clean process, never from the threaded server) with RLIMIT_CPU and RLIMIT_AS set,
and a wall-clock timeout. Whatever the input does to the decoder (a scan bomb, a memory bomb,
a crash in C code), the server process only sees `TooCostly` and its own memory never grows.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal, TypeVar

from needlecare.services.errors import ServiceError

Kind = Literal["decode", "password", "pdf"]
_CORES = os.cpu_count() or 2
SLOTS: dict[Kind, int] = {"decode": _CORES, "password": _CORES, "pdf": _CORES}
"""Concurrent jobs per process and kind: one per core (each argon2 hash or decode keeps a core
busy); more would only make each of them slower and starve the other requests."""
QUEUE_WAIT_S = 10.0
"""How long a request waits for a free slot before it is refused with 503."""
MAX_WAITING_PER_SLOT = 8
"""`run`: jobs that may wait per thread of their kind (a few hundred ms of argon2) before
further ones are refused at once, instead of each holding a request thread for seconds."""


@dataclass(frozen=True)
class Limits:
    cpu_s: int
    memory_bytes: int
    wall_s: float


DECODE_LIMITS = Limits(cpu_s=10, memory_bytes=768 * 1024 * 1024, wall_s=30.0)
"""A 40 MP photo decodes and re-encodes in a few CPU seconds and about 400 MB; anything that
needs more is refused, not waited for."""


class Busy(ServiceError):
    """Every slot for this kind of work is taken (503); try again shortly."""

    status = 503
    code = "busy"

    def __init__(self, message: str, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class TooCostly(Exception):
    """The isolated job ran out of its CPU, memory or wall-clock budget, or crashed."""


BUSY_MESSAGE = "The server is busy with other uploads and logins; try again in a moment."

_semaphores: dict[Kind, threading.BoundedSemaphore] = {
    kind: threading.BoundedSemaphore(count) for kind, count in SLOTS.items()
}


@contextmanager
def expensive(kind: Kind, wait_s: float | None = None) -> Iterator[None]:
    """Hold one of the process's slots for `kind` while the block runs; Busy if none frees
    up within `wait_s` (default QUEUE_WAIT_S)."""
    semaphore = _semaphores[kind]
    if not semaphore.acquire(timeout=QUEUE_WAIT_S if wait_s is None else wait_s):
        raise Busy(BUSY_MESSAGE)
    try:
        yield
    finally:
        semaphore.release()


T = TypeVar("T")


class _Workers:
    """One kind's own threads (started on first use, so importing starts none) and a count
    of the jobs handed to them and not yet finished."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.threads = SLOTS[kind]
        self.in_flight = 0
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    def submit(self, fn: Callable[..., T], args: tuple[Any, ...]) -> concurrent.futures.Future[T]:
        with self._lock:
            if self.in_flight >= self.threads * (1 + MAX_WAITING_PER_SLOT):
                raise Busy(BUSY_MESSAGE)
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    self.threads, thread_name_prefix=f"needlecare-{self.kind}"
                )
            self.in_flight += 1
        try:
            future = self._executor.submit(fn, *args)
        except BaseException:
            self._finished()
            raise
        future.add_done_callback(lambda _future: self._finished())
        return future

    def _finished(self) -> None:
        with self._lock:
            self.in_flight -= 1


_workers: dict[Kind, _Workers] = {"password": _Workers("password")}


def run(kind: Kind, fn: Callable[..., T], *args: Any, wait_s: float | None = None) -> T:
    """`fn(*args)` on one of `kind`'s own threads; its result or the exception it raised.
    Busy when too many jobs wait already, or when none of the threads took this one up
    within `wait_s` (default QUEUE_WAIT_S)."""
    future = _workers[kind].submit(fn, args)
    try:
        return future.result(timeout=QUEUE_WAIT_S if wait_s is None else wait_s)
    except concurrent.futures.TimeoutError:
        if future.cancel():  # still waiting for a thread: it never runs
            raise Busy(BUSY_MESSAGE) from None
        return future.result()  # under way: done in a moment


_context_lock = threading.Lock()
_context: list[multiprocessing.context.BaseContext] = []


def _forkserver() -> multiprocessing.context.BaseContext:
    with _context_lock:
        if not _context:
            context = multiprocessing.get_context("forkserver")
            # Imported once in the fork server, so each child starts warm.
            context.set_forkserver_preload(["needlecare.photos"])
            _context.append(context)
        return _context[0]


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(out: Connection, limits: Limits, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # The child's own libraries already take address space: the budget comes on top of it.
    memory = _address_space() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
    try:
        result: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        result = ("costly", "memory")
    except Exception as exc:  # handed to the parent, which re-raises it
        result = ("error", exc)
    out.send(result)
    out.close()


def run_isolated(fn: Callable[..., Any], *args: Any, limits: Limits = DECODE_LIMITS) -> Any:
    """`fn(*args)` in a child process under `limits`; its result, or the exception it
    raised (which must pickle), or TooCostly if it ran out of budget or died."""
    context = _forkserver()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, limits, fn, args), daemon=True)  # type: ignore[attr-defined]
    process.start()
    sender.close()
    try:
        # A child killed by its CPU limit closes the pipe: poll returns and recv raises EOF.
        if not receiver.poll(limits.wall_s):
            raise TooCostly("wall-clock time")
        status, value = receiver.recv()
    except EOFError:
        raise TooCostly("cpu time or crash") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status == "costly":
        raise TooCostly(value)
    if status == "error":
        raise value
    return value
