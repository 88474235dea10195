"""Issue 18: a list never silently stops: pages of `limit`, a signed cursor in an RFC 8288
Link header while more follow, every row reachable once (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from typing import Any

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
