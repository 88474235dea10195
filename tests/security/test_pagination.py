"""Issue 18: a list never silently stops: pages of `limit`, a signed cursor in an RFC 8288
Link header while more follow, every row reachable once (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from needlecare.services import pagination

API = "/api/v1"
NEXT = re.compile(r'<([^>]+)>; rel="next"')


def _post_checkins(client: TestClient, world: Any, count: int) -> None:
    for n in range(count):
        response = client.post(
            f"{API}/patients/{world.patients['pat']}/checkins",
            json={"symptoms": {"redness": n % 3}},
            headers={**world.pat.headers, "Idempotency-Key": f"page-{n}"},
        )
        assert response.status_code == 201, response.text


def test_checkins_page_through_every_row_once(client: TestClient, world: Any) -> None:
    _post_checkins(client, world, 7)
    url: str | None = f"{API}/patients/{world.patients['pat']}/checkins?limit=3"
    seen: list[int] = []
    pages = 0
    while url:
        response = client.get(url, headers=world.pat.headers)
        assert response.status_code == 200, response.text
        seen += [c["id"] for c in response.json()]
        pages += 1
        match = NEXT.search(response.headers.get("link", ""))
        url = match.group(1) if match else None
    assert pages == 3
    assert len(seen) == 7 and seen == sorted(seen)  # oldest first, none twice


def test_a_forged_or_foreign_cursor_is_refused_with_422(client: TestClient, world: Any) -> None:
    forged = pagination.encode_cursor("another secret key of at least 32 chars", [0, 1])
    for cursor in (forged, "abc", "W10"):
        response = client.get(
            f"{API}/patients/{world.patients['pat']}/checkins",
            params={"cursor": cursor},
            headers=world.pat.headers,
        )
        assert response.status_code == 422, (cursor, response.text)
        assert response.json()["errors"][0]["field"] == "query.cursor"


def test_the_last_page_has_no_next_link(client: TestClient, world: Any) -> None:
    _post_checkins(client, world, 2)
    response = client.get(
        f"{API}/patients/{world.patients['pat']}/checkins?limit=2", headers=world.pat.headers
    )
    assert response.status_code == 200 and len(response.json()) == 2
    assert "link" not in response.headers


def _walk_ids(
    client: TestClient, url: str, headers: dict[str, str], key: str = "id"
) -> list[list[int]]:
    """The ids (`key`) of each page from `url`, following `Link: rel="next"` to the end."""
    pages: list[list[int]] = []
    next_url: str | None = url
    while next_url and len(pages) < 20:
        response = client.get(next_url, headers=headers)
        assert response.status_code == 200, response.text
        pages.append([int(row[key]) for row in response.json()])
        match = NEXT.search(response.headers.get("link", ""))
        next_url = match.group(1) if match else None
    return pages


def _made(client: TestClient, world: Any, kind: str) -> tuple[str, dict[str, str], list[int]]:
    """Five rows of one kind of list: (list url, reader's headers, ids in the list's order)."""
    pat = world.patients["pat"]
    treatment = f"{API}/patients/{pat}/treatments/{world.treatments['pat']}"
    ids: list[int] = []
    if kind == "recommendations":
        url = f"{API}/patients/{pat}/recommendations"
        for n in range(5):
            made = client.post(url, json={"product_name": f"Balm {n}"}, headers=world.bob.headers)
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
        return url, world.pat.headers, ids
    if kind == "catalogue":
        url = f"{API}/clinic/catalogue"
        for n in range(5):
            made = client.post(
                url,
                json={"name": f"Product {n}", "inci_text": "Aqua, Glycerin"},
                headers=world.bob.headers,
            )
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
        return url, world.bob.headers, ids  # by name: Product 0 ... Product 4
    if kind == "protocol versions":
        for n in range(5):
            document = {"schema_version": 1, "name": f"Alder aftercare {n}", "windows": {}}
            made = client.put(f"{API}/clinic/protocol", json=document, headers=world.alice.headers)
            assert made.status_code == 201, made.text
            ids.append(made.json()["version"])
        return f"{API}/clinic/protocol/versions", world.alice.headers, ids[::-1]  # newest first
    if kind == "tokens":
        for _ in range(4):  # every API login makes a token; the world made the first
            made = client.post(
                f"{API}/auth/tokens",
                json={"email": world.pat.email, "password": world.pat.password},
            )
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
        whole = client.get(f"{API}/auth/tokens?limit=500", headers=world.pat.headers).json()
        assert [t["id"] for t in whole][1:] == ids
        return f"{API}/auth/tokens", world.pat.headers, [t["id"] for t in whole]
    if kind == "treatments":
        url = f"{API}/patients/{pat}/treatments"
        for days_ago in (9, 7, 7, 3):  # and the world's, 5 days ago; two on one day
            made = client.post(
                url,
                json={
                    "treatment_date": (date.today() - timedelta(days=days_ago)).isoformat(),
                    "depth_mm": 0.5,
                    "device": "pen",
                },
                headers=world.bob.headers,
            )
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
        newest_first = [ids[3], world.treatments["pat"], ids[2], ids[1], ids[0]]
        return url, world.pat.headers, newest_first
    assert kind == "revisions"
    current = client.get(f"{API}/patients/{pat}/treatments", headers=world.bob.headers).json()[0]
    for n in range(4):  # the first edit also writes the record as it was (revision 1)
        record = {k: current[k] for k in ("treatment_date", "depth_mm", "device", "areas")}
        made = client.put(
            treatment, json={**record, "operator": f"Operator {n}"}, headers=world.bob.headers
        )
        assert made.status_code == 200, made.text
    whole = client.get(f"{treatment}/revisions?limit=500", headers=world.bob.headers).json()
    return f"{treatment}/revisions", world.bob.headers, [r["revision"] for r in whole]


@pytest.mark.parametrize(
    "kind",
    ["recommendations", "catalogue", "protocol versions", "revisions", "treatments", "tokens"],
)
def test_every_growing_api_list_pages_to_every_row_once(
    client: TestClient, world: Any, kind: str
) -> None:
    url, headers, ids = _made(client, world, kind)
    assert len(ids) == 5
    key = {"protocol versions": "version", "revisions": "revision"}.get(kind, "id")
    pages = _walk_ids(client, f"{url}?limit=2", headers, key)
    assert [len(page) for page in pages] == [2, 2, 1], kind
    assert [n for page in pages for n in page] == ids, kind  # the list's order, once each
