"""PDFs are made once per content (issue 18, `report-pdf-x12`): identical requests in flight
share one render and get the same document, a recent one is kept, and a person whose PDF is
still being made who asks for a different one is told to wait (429), on both databases.

Renders are counted through a stand-in for WeasyPrint that holds the render until every
request of the test has joined it, so "N at once" really is N at once."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import World
from guide_web.conftest import HTML, login
from needlecare.reports import pdf as report_pdf
from needlecare.services import exports, renders
from needlecare.storage.models import AuditEntry
from needlecare.storage.uow import UnitOfWork
from needlecare.web.pages import guide as guide_web

from .seeding import Seeded

API = "/api/v1"
AT_ONCE = 6
PATIENCE_S = 60.0  # only so that a broken test ends; nothing here is timed


class StandIn:
    """Counts renders; each waits until `joined` requests share renders under way (or until
    `release` is set), then returns bytes that name the HTML it was given."""

    def __init__(self, joined: int) -> None:
        self.joined = joined
        self.calls = 0
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, html: str) -> bytes:
        with self._lock:
            self.calls += 1
        deadline = time.monotonic() + PATIENCE_S
        while renders.renders.waiting() < self.joined and not self.release.is_set():
            assert time.monotonic() < deadline, "the other requests never joined the render"
            time.sleep(0.005)
        return b"%PDF-stand-in " + hashlib.sha256(html.encode()).hexdigest().encode()


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result(timeout=PATIENCE_S) for future in futures]


def wait_until_waiting(count: int) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while renders.renders.waiting() < count:
        assert time.monotonic() < deadline, "the render never started"
        time.sleep(0.005)


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report says when it was made (to the minute): every request of a test in the same
    minute, so identical requests give identical HTML whenever the test runs."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    monkeypatch.setattr(exports, "utcnow", lambda: now)


def _pdf_audit(uow: UnitOfWork) -> list[int]:
    with uow.reading():
        return list(
            uow.session.scalars(
                select(AuditEntry.actor_user_id).where(AuditEntry.action == "export.patient.pdf")
            )
        )


@pytest.mark.usefixtures("one_minute")
def test_identical_report_requests_share_one_render_and_each_is_audited(
    client: TestClient,
    world: World,
    seeded: Seeded,
    uow: UnitOfWork,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_in = StandIn(joined=AT_ONCE)
    monkeypatch.setattr(report_pdf, "html_to_pdf", stand_in)
    url = f"{API}/patients/{seeded.patient_id}/report.pdf"

    responses = at_once([lambda: client.get(url, headers=world.pat.headers)] * AT_ONCE)

    assert [r.status_code for r in responses] == [200] * AT_ONCE
    assert len({r.content for r in responses}) == 1
    assert responses[0].content.startswith(b"%PDF-stand-in")
    assert responses[0].headers["content-type"] == "application/pdf"
    assert stand_in.calls == 1
    assert _pdf_audit(uow) == [world.pat.user_id] * AT_ONCE
    stand_in.release.set()  # from here on one request at a time
    # Asked again: the kept document, not another render; audited like any.
    again = client.get(url, headers=world.pat.headers)
    assert again.status_code == 200 and again.content == responses[0].content
    assert stand_in.calls == 1
    assert len(_pdf_audit(uow)) == AT_ONCE + 1
    # Other content (the report in Spanish) is another document.
    spanish = client.get(url, headers={**world.pat.headers, "Accept-Language": "es"})
    assert spanish.status_code == 200 and spanish.content != again.content
    assert stand_in.calls == 2


@pytest.mark.usefixtures("one_minute")
def test_a_different_pdf_while_ones_own_is_made_is_429_for_that_person_only(
    client: TestClient,
    world: World,
    seeded: Seeded,
    uow: UnitOfWork,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_in = StandIn(joined=10**6)  # held until released
    monkeypatch.setattr(report_pdf, "html_to_pdf", stand_in)
    monkeypatch.setattr(guide_web, "_layout", _layout_stand_in(stand_in))
    url = f"{API}/patients/{seeded.patient_id}/report.pdf"
    spanish = {"Accept-Language": "es"}
    with ThreadPoolExecutor(2) as pool:
        bobs = pool.submit(client.get, url, headers=world.bob.headers)
        wait_until_waiting(1)

        refused = client.get(url, headers={**world.bob.headers, **spanish})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == str(renders.RETRY_AFTER_S)
        assert refused.json()["code"] == "pdf_in_progress"
        assert "still being prepared" in refused.json()["error"]
        # The same person's aftercare sheet (a page route): the same rule, said on a page.
        login(client, world.bob.user_id)
        sheet = client.get(f"/clinic/patients/{seeded.patient_id}/sheet.pdf", headers=HTML)
        assert sheet.status_code == 429 and sheet.headers["retry-after"]
        assert "still being prepared" in sheet.text
        sheet_es = client.get(
            f"/clinic/patients/{seeded.patient_id}/sheet.pdf", headers={**HTML, **spanish}
        )
        assert sheet_es.status_code == 429 and "todavía se está preparando" in sheet_es.text

        # Someone else is not held up by bob's render.
        alices = pool.submit(client.get, url, headers={**world.alice.headers, **spanish})
        wait_until_waiting(2)
        stand_in.release.set()
        assert bobs.result(timeout=PATIENCE_S).status_code == 200
        assert alices.result(timeout=PATIENCE_S).status_code == 200
    assert stand_in.calls == 2
    # The refused request left no audit row.
    assert sorted(_pdf_audit(uow)) == sorted([world.bob.user_id, world.alice.user_id])
    # Once bob's PDF is made, his other one is made too.
    assert client.get(url, headers={**world.bob.headers, **spanish}).status_code == 200


def _layout_stand_in(stand_in: StandIn) -> Callable[[str, str], Any]:
    def layout(html: str, css: str) -> Any:
        return SimpleNamespace(write_pdf=lambda: stand_in(html + css))

    return layout


def test_identical_sheet_pdfs_share_one_layout(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in = StandIn(joined=AT_ONCE)
    monkeypatch.setattr(guide_web, "_layout", _layout_stand_in(stand_in))
    login(client, world.pat.user_id)

    responses = at_once([lambda: client.get("/guide/sheet.pdf")] * AT_ONCE)

    assert [r.status_code for r in responses] == [200] * AT_ONCE
    assert len({r.content for r in responses}) == 1
    assert stand_in.calls == 1


# --- the single flight and the cache themselves (no database) --------------------------------


def test_a_failed_render_answers_every_waiting_request_and_is_not_kept() -> None:
    store = renders.Renders()
    made: list[str] = []

    def failing() -> bytes:
        made.append("failing")
        wait = time.monotonic() + PATIENCE_S
        while store.waiting() < 3:
            assert time.monotonic() < wait
            time.sleep(0.005)
        raise RuntimeError("layout failed")

    def call() -> bytes:
        return store.render_once("k", None, failing)

    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(call) for _ in range(3)]
        for future in futures:
            with pytest.raises(RuntimeError, match="layout failed"):
                future.result(timeout=PATIENCE_S)
    assert made == ["failing"]
    assert store.waiting() == 0
    assert store.render_once("k", "user:1", lambda: b"%PDF-2") == b"%PDF-2"
    # The person's slot was given back: another key is made at once.
    assert store.render_once("other", "user:1", lambda: b"%PDF-3") == b"%PDF-3"


def test_kept_renders_are_few_small_and_recent() -> None:
    now = [0.0]
    store = renders.Renders(keep_s=60, keep_entries=2, keep_bytes=10, clock=lambda: now[0])
    made: list[str] = []

    def make(key: str, size: int = 4) -> bytes:
        def render() -> bytes:
            made.append(key)
            return key.encode() * size

        return store.render_once(key, None, render)

    make("a"), make("b"), make("a")  # "a" kept: "b" is the least recently used
    assert made == ["a", "b"]
    make("c")  # three entries: "b" goes
    make("a"), make("b")
    assert made == ["a", "b", "c", "b"]
    make("big", size=4)  # 12 bytes: more than the whole cache, never kept
    make("big", size=4)
    assert made.count("big") == 2
    now[0] = 61.0  # everything is too old now
    make("b")
    assert made[-1] == "b" and made.count("b") == 3


def test_content_keys_tell_parts_apart() -> None:
    assert renders.content_key("ab", "c") != renders.content_key("a", "bc")
    assert renders.content_key("report", "<p>x</p>") != renders.content_key("sheet", "<p>x</p>")
    assert renders.content_key("x\ud800") == renders.content_key("x\ud800")  # lone surrogate
