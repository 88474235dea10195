"""Issue 20: every API list pages with `limit` and `cursor` and answers the same list body
with `Link: <...>; rel="next"` while more rows follow; walking the pages while rows are being
added loses and repeats none of the rows that were there (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

API = "/api/v1"
NEXT = re.compile(r'<([^>]+)>; rel="next"')


def _walk(
    client: TestClient, url: str, headers: dict[str, str], add: Callable[[int], None]
) -> list[int]:
    """The ids of every page from `url`, adding a row (`add`) between two pages."""
    seen: list[int] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        response = client.get(next_url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert isinstance(body, list)
        seen += [row["id"] for row in body]
        match = NEXT.search(response.headers.get("link", ""))
        next_url = match.group(1) if match else None
        if next_url:
            assert len(body) == 2  # a full page before every next link
            add(pages)
        pages += 1
    assert pages >= 3
    assert len(seen) == len(set(seen)), seen  # nothing repeated
    return seen


def _post(client: TestClient, url: str, headers: dict[str, str], body: dict[str, Any]) -> int:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_patients_notes_and_messages_page_while_rows_are_added(
    client: TestClient, world: Any
) -> None:
    bob = world.bob.headers
    pat = world.patients["pat"]
    lists: dict[str, tuple[str, dict[str, Any]]] = {
        "patients": (f"{API}/patients", {"display_name": "Page Patient"}),
        "notes": (f"{API}/patients/{pat}/notes", {"body": "a note"}),
        "messages": (f"{API}/patients/{pat}/messages", {"body": "a message"}),
    }
    for name, (url, body) in lists.items():
        for _ in range(5):
            _post(client, url, bob, body)
        before = {row["id"] for row in client.get(f"{url}?limit=500", headers=bob).json()}

        def add(_page: int, url: str = url, body: dict[str, Any] = body) -> None:
            _post(client, url, bob, body)

        seen = _walk(client, f"{url}?limit=2", bob, add)
        assert before <= set(seen), name  # nothing lost
        assert seen == sorted(seen), name  # oldest (lowest id) first


def test_the_alert_queue_pages_in_its_own_order(client: TestClient, world: Any) -> None:
    pat = world.patients["pat"]

    def checkin(n: int, symptoms: dict[str, Any]) -> None:
        response = client.post(
            f"{API}/patients/{pat}/checkins",
            json={"symptoms": symptoms},
            headers={**world.pat.headers, "Idempotency-Key": f"alert-page-{n}"},
        )
        assert response.status_code == 201 and response.json()["alert_id"], response.text

    urgent = {"fever": True, "spreading_redness": True}
    for n in range(5):
        checkin(n, urgent)
    bob = world.bob.headers
    first = client.get(f"{API}/alerts?limit=200", headers=bob).json()
    acknowledged = first[0]["id"]
    assert client.post(f"{API}/alerts/{acknowledged}/acknowledge", headers=bob).status_code == 200
    whole = client.get(f"{API}/alerts?limit=200", headers=bob).json()
    assert whole[-1]["id"] == acknowledged  # acknowledged ones after the open ones

    seen = _walk(client, f"{API}/alerts?limit=2", bob, lambda page: checkin(100 + page, urgent))
    assert {row["id"] for row in whole} <= set(seen)
    assert seen[: len(whole) - 1] == [row["id"] for row in whole[:-1]]  # the queue's order


def test_the_audit_log_pages_newest_first_while_it_grows(client: TestClient, world: Any) -> None:
    alice = world.alice.headers
    for _ in range(6):  # each read is itself audited: the log grows as it is read
        client.get(f"{API}/patients", headers=alice)
    before = {row["id"] for row in client.get(f"{API}/audit?limit=500", headers=alice).json()}
    seen = _walk(
        client,
        f"{API}/audit?limit=2",
        alice,
        lambda _page: client.get(f"{API}/patients", headers=alice),
    )
    assert before <= set(seen)
    assert seen == sorted(seen, reverse=True)


@pytest.mark.parametrize("path", ["patients", "alerts", "audit"])
def test_limit_out_of_range_and_a_foreign_cursor_are_422(
    client: TestClient, world: Any, path: str
) -> None:
    alice = world.alice.headers
    assert client.get(f"{API}/{path}?limit=0", headers=alice).status_code == 422
    assert client.get(f"{API}/{path}?limit=1001", headers=alice).status_code == 422
    assert client.get(f"{API}/{path}?cursor=W10", headers=alice).status_code == 422


def _png(seed: int) -> bytes:
    image = Image.new("RGB", (160, 120), (200, 150, 130))
    image.putpixel((seed % 160, seed // 160), (10, 20, 30))  # other bytes for each seed
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_photos_page_while_photos_are_added(client: TestClient, world: Any) -> None:
    pat = world.patients["pat"]
    url = f"{API}/patients/{pat}/photos"

    def add(n: int) -> None:
        response = client.post(
            url, files={"file": ("p.png", _png(n), "image/png")}, headers=world.pat.headers
        )
        assert response.status_code == 201, response.text

    for n in range(5):
        add(n)
    before = {row["id"] for row in client.get(url, headers=world.pat.headers).json()}
    seen = _walk(client, f"{url}?limit=2", world.pat.headers, lambda page: add(100 + page))
    assert before <= set(seen) and len(before) == 5


def test_recommendations_and_the_catalogue_page_while_rows_are_added(
    client: TestClient, world: Any
) -> None:
    """The recommendations (oldest first) and the clinic's catalogue (by name, then id): rows
    added between pages, some sorting before the cursor and some after, repeat none and lose
    none of those that were there."""
    bob = world.bob.headers
    pat = world.patients["pat"]
    recs = f"{API}/patients/{pat}/recommendations"
    for n in range(5):
        _post(client, recs, bob, {"product_name": f"Balm {n}"})
    before = {row["id"] for row in client.get(f"{recs}?limit=500", headers=bob).json()}
    seen = _walk(
        client, f"{recs}?limit=2", world.pat.headers,
        lambda n: _post(client, recs, bob, {"product_name": f"Later balm {n}"}),
    )  # fmt: skip
    assert before <= set(seen) and seen == sorted(seen)

    catalogue = f"{API}/clinic/catalogue"

    def product(name: str) -> int:
        return _post(client, catalogue, bob, {"name": name, "inci_text": "Aqua, Glycerin"})

    for name in ("Cream B", "Cream D", "Cream F", "Cream H", "Cream J"):
        product(name)
    whole = client.get(f"{catalogue}?limit=500", headers=bob).json()
    # A name before the cursor (not shown: it was not there when that page was read) and
    # the same name as a shown row (after it by id) and one after the cursor (shown).
    added = iter(["Cream A", "Cream D", "Cream K", "Cream E"])
    seen = _walk(client, f"{catalogue}?limit=2", bob, lambda _n: product(next(added)))
    assert {row["id"] for row in whole} <= set(seen)
    rows = {row["id"]: row for row in client.get(f"{catalogue}?limit=500", headers=bob).json()}
    keys = [(rows[i]["name"], i) for i in seen]
    assert keys == sorted(keys)  # the catalogue's order, each once
