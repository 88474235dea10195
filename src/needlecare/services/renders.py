"""PDFs made once per content: identical requests share one render, recent renders are kept,
and one person has at most one distinct PDF being made at a time.

A PDF (the patient report, the aftercare sheet) costs 0.2-1 s of WeasyPrint CPU, while the
HTML it is laid out from costs a few ms. So every PDF route builds its HTML first and asks
`render_once(key, person, make)` for the bytes, `key` being a hash of everything the layout
reads (`content_key(html, css)`):

- a PDF of the same key made in the last KEEP_S seconds is answered from a small cache
  (at most KEEP_ENTRIES documents and KEEP_BYTES bytes, least recently used dropped first);
- a render of the same key already under way is waited for and shared (single flight):
  twelve clicks on "Report (PDF)" cost one layout, not twelve (bench/README `report-pdf-x12`);
- otherwise this request makes it, under one of the process's PDF slots (`budget.expensive`).

The cache is content-addressed: the same HTML always lays out to the same document, so a
kept PDF is never stale and each process may keep its own. Only a request that built the
very same HTML (that is, one allowed to read all of it) can get it back.

A person whose own request for a PDF is still being made and who asks for a DIFFERENT one is
refused at once with `StillRendering` (429, Retry-After), not queued: waiting would hold a
request thread per click, and twelve different reports asked for at once would still cost
twelve layouts. One person then costs at most one layout at a time; the browser's second
click gets a clear "try again in a moment", and the first PDF arrives as usual.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from needlecare.i18n import N_
from needlecare.services import budget
from needlecare.services.errors import ServiceError

KEEP_S = 300.0
"""How long a made PDF is kept for an identical request (the report's own clock is in
minutes, so a reload within the same minute is the common case)."""
KEEP_ENTRIES = 16
KEEP_BYTES = 32 * 1024 * 1024
"""A report with photos is a few hundred KB; 16 documents or 32 MiB per process at most."""
RETRY_AFTER_S = 2
"""A report or sheet takes about a second to lay out: when to try the other one again."""
STILL_RENDERING_MESSAGE = N_(
    "Your previous PDF is still being prepared. Wait for it, then try this one again."
)


class StillRendering(ServiceError):
    """This person already has a different PDF being made (429); try again shortly."""

    status = 429
    code = "pdf_in_progress"

    def __init__(self, message: str = STILL_RENDERING_MESSAGE) -> None:
        super().__init__(message)
        self.retry_after_s = RETRY_AFTER_S


def content_key(*parts: str | bytes) -> str:
    """A hash of everything a layout reads; each part length-prefixed, so no two different
    lists of parts give the same key."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass
class _Flight:
    """One render under way; whoever asks for the same key meanwhile waits for it."""

    done: threading.Event = field(default_factory=threading.Event)
    result: bytes | None = None
    error: BaseException | None = None
    requests: int = 0  # the requests answered by this render


@dataclass
class _Kept:
    pdf: bytes
    made_at: float


class Renders:
    """The single flights, the cache and who is waiting for which key (per process)."""

    def __init__(
        self,
        keep_s: float = KEEP_S,
        keep_entries: int = KEEP_ENTRIES,
        keep_bytes: int = KEEP_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep_s = keep_s
        self.keep_entries = keep_entries
        self.keep_bytes = keep_bytes
        self.clock = clock
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._kept_bytes = 0
        # person -> (the key their requests wait for, how many of their requests wait)
        self._busy: dict[str, tuple[str, int]] = {}

    def render_once(self, key: str, person: str | None, make: Callable[[], bytes]) -> bytes:
        """The PDF for `key`: kept, shared with a render under way, or made by `make()` now.
        `person` (None: no per-person limit, as for the operator's CLI) may wait for one key
        at a time; asking for another meanwhile raises StillRendering."""
        with self._lock:
            kept = self._recent(key)
            if kept is not None:
                return kept
            if person is not None:
                waiting_for, count = self._busy.get(person, (key, 0))
                if waiting_for != key:
                    raise StillRendering()
                self._busy[person] = (key, count + 1)
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
            flight.requests += 1
        try:
            if not leader:
                flight.done.wait()
                if flight.error is not None:
                    raise flight.error
                assert flight.result is not None
                return flight.result
            return self._make(key, flight, make)
        finally:
            if person is not None:
                with self._lock:
                    waiting_for, count = self._busy[person]
                    if count > 1:
                        self._busy[person] = (waiting_for, count - 1)
                    else:
                        del self._busy[person]

    def _make(self, key: str, flight: _Flight, make: Callable[[], bytes]) -> bytes:
        try:
            with budget.expensive("pdf"):
                pdf = make()
        except BaseException as exc:
            flight.error = exc  # the waiting requests get the same answer (Busy: 503)
            raise
        else:
            flight.result = pdf
            with self._lock:
                self._keep(key, pdf)
            return pdf
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def _recent(self, key: str) -> bytes | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        if self.clock() - kept.made_at > self.keep_s:
            self._drop(key)
            return None
        self._kept.move_to_end(key)
        return kept.pdf

    def _keep(self, key: str, pdf: bytes) -> None:
        if len(pdf) > self.keep_bytes:
            return
        if key in self._kept:
            self._drop(key)
        self._kept[key] = _Kept(pdf, self.clock())
        self._kept_bytes += len(pdf)
        while len(self._kept) > self.keep_entries or self._kept_bytes > self.keep_bytes:
            self._drop(next(iter(self._kept)))

    def _drop(self, key: str) -> None:
        self._kept_bytes -= len(self._kept.pop(key).pdf)

    def waiting(self) -> int:
        """How many requests wait for a render under way, or make it."""
        with self._lock:
            return sum(flight.requests for flight in self._flights.values())

    def clear(self) -> None:
        """Forget every kept PDF (tests: each starts with none)."""
        with self._lock:
            self._kept.clear()
            self._kept_bytes = 0


renders = Renders()
"""The process's one instance: every PDF route goes through it."""


def render_once(key: str, person: str | None, make: Callable[[], bytes]) -> bytes:
    return renders.render_once(key, person, make)
