"""Issue 18: the patient's own pages never stop a list silently. My history (check-ins), my
messages and my photos show a page (the newest) and a "more" link with a signed cursor that
leads to every older row once; the photo-timeline API pages the same way (SQLite and
PostgreSQL). Page sizes are lowered here so that a few rows make several pages."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from api.api_helpers import session_cookie
from needlecare.storage.models import User
from needlecare.web import security
from needlecare.web.pages import messages as message_pages
from needlecare.web.pages import patient as patient_pages
from needlecare.web.pages import photos as photo_pages

API = "/api/v1"
NEXT = re.compile(r'<([^>]+)>; rel="next"')


def _log_in_as_pat(client: TestClient, world: Any, uow: Any) -> None:
    user_id = world.pat.user_id
    with uow.reading():
        generation = uow.session.scalar(select(User.session_generation).where(User.id == user_id))
    session = {security._USER_KEY: user_id, security._GENERATION_KEY: generation}
    secret = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    for name, value in session_cookie(secret, session).items():
        client.cookies.set(name, value)


def _more_link(html: str, label: str) -> str | None:
    match = re.search(r'<a class="button secondary" href="([^"]+)">' + label + "</a>", html)
    return match.group(1).replace("&amp;", "&") if match else None


def _walk(client: TestClient, url: str, label: str, ids: re.Pattern[str]) -> list[list[int]]:
    """The ids on each page from `url`, following the `label` link to the end."""
    pages: list[list[int]] = []
    next_url: str | None = url
    while next_url and len(pages) < 20:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        pages.append([int(n) for n in ids.findall(response.text)])
        next_url = _more_link(response.text, label)
    return pages


def _checkin(client: TestClient, world: Any, n: int) -> int:
    response = client.post(
        f"{API}/patients/{world.patients['pat']}/checkins",
        json={"symptoms": {"redness": n % 3}},
        headers={**world.pat.headers, "Idempotency-Key": f"history-{n}"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_my_history_leads_to_every_check_in_once(
    client: TestClient, world: Any, uow: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patient_pages, "HISTORY_PAGE", 3)
    made = [_checkin(client, world, n) for n in range(7)]
    _log_in_as_pat(client, world, uow)
    first = client.get("/history")
    assert "Trends by day after treatment" in first.text
    pages = _walk(client, "/history", "Older check-ins", re.compile(r'href="/checkins/(\d+)"'))
    assert [len(p) for p in pages] == [3, 3, 1]
    seen = [n for page in pages for n in page]
    assert seen == sorted(made, reverse=True)  # newest first, every one once
    older = client.get(_more_link(first.text, "Older check-ins") or "")
    assert "Back to my newest check-ins" in older.text
    assert "Trends by day after treatment" not in older.text


def test_a_forged_history_cursor_is_refused(client: TestClient, world: Any, uow: Any) -> None:
    _log_in_as_pat(client, world, uow)
    response = client.get("/history", params={"cursor": "W10"})
    assert response.status_code == 422, response.text


def test_my_messages_lead_to_every_message_once(
    client: TestClient, world: Any, uow: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(message_pages, "THREAD_PAGE", 2)
    url = f"{API}/patients/{world.patients['pat']}/messages"
    made = []
    for n in range(5):
        response = client.post(url, json={"body": f"message {n}"}, headers=world.bob.headers)
        assert response.status_code == 201, response.text
        made.append(int(response.json()["id"]))
    _log_in_as_pat(client, world, uow)
    pages = _walk(client, "/messages", "Earlier messages", re.compile(r'id="message-(\d+)"'))
    assert [len(p) for p in pages] == [2, 2, 1]
    assert pages[0] == made[-2:]  # the newest, in reading order (oldest of them first)
    assert sorted(n for page in pages for n in page) == made


def _png(seed: int) -> bytes:
    image = Image.new("RGB", (160, 120), (200, 150, 130))
    image.putpixel((seed % 160, seed // 160), (10, 20, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _three_sessions_with_photos(client: TestClient, world: Any) -> list[int]:
    """pat's world treatment (5 days ago) and two later ones, a photo after each; returns
    the photo ids, oldest session first."""
    pat = world.patients["pat"]
    made = []
    for n, days_ago in enumerate((None, 3, 1)):
        if days_ago is not None:
            treatment = client.post(
                f"{API}/patients/{pat}/treatments",
                json={
                    "treatment_date": (date.today() - timedelta(days=days_ago)).isoformat(),
                    "depth_mm": 0.5,
                    "device": "pen",
                },
                headers=world.bob.headers,
            )
            assert treatment.status_code == 201, treatment.text
        photo = client.post(
            f"{API}/patients/{pat}/photos",
            files={"file": ("p.png", _png(n), "image/png")},
            headers=world.pat.headers,
        )
        assert photo.status_code == 201, photo.text
        made.append(int(photo.json()["id"]))
    return made


def test_my_photos_lead_to_every_treatment_session(
    client: TestClient, world: Any, uow: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _three_sessions_with_photos(client, world)
    monkeypatch.setattr(photo_pages, "TIMELINE_PAGE", 2)
    _log_in_as_pat(client, world, uow)
    pages = _walk(
        client,
        "/photos",
        "Photos of earlier treatment sessions",
        re.compile(r'<a href="/photos/(\d+)"><img'),
    )
    assert pages == [[made[2], made[1]], [made[0]]]  # newest session first
    overlay = client.get("/photos?overlay=1")
    assert overlay.status_code == 200
    earlier = _more_link(overlay.text, "Photos of earlier treatment sessions")
    assert earlier and "overlay=1" in earlier  # the other view keeps its place


def test_the_photo_timeline_api_pages_by_session(client: TestClient, world: Any) -> None:
    made = _three_sessions_with_photos(client, world)
    url: str | None = f"{API}/patients/{world.patients['pat']}/photo-timeline?sessions=1"
    seen: list[int] = []
    while url:
        response = client.get(url, headers=world.pat.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body) == 1
        seen += [entry["photo"]["id"] for entry in body[0]["entries"]]
        match = NEXT.search(response.headers.get("link", ""))
        url = match.group(1) if match else None
    assert seen == made[::-1]


def test_today_reads_only_the_newest_messages_and_marks_only_those_read(
    client: TestClient, world: Any, uow: Any
) -> None:
    """The Today page shows the last three messages: it reads (and marks read) only those,
    so its cost does not grow with the thread; the rest wait, unread, on /messages."""
    from needlecare.storage.models import Message

    url = f"{API}/patients/{world.patients['pat']}/messages"
    made = []
    for n in range(5):
        response = client.post(url, json={"body": f"note {n}"}, headers=world.bob.headers)
        assert response.status_code == 201, response.text
        made.append(int(response.json()["id"]))
    _log_in_as_pat(client, world, uow)
    today = client.get("/today")
    assert today.status_code == 200, today.text
    for n in range(5):
        assert (f"note {n}" in today.text) == (n >= 2), n

    def unread() -> list[int]:
        with uow.reading():
            return sorted(uow.session.scalars(select(Message.id).where(Message.read_at.is_(None))))

    assert unread() == made[:2]
    assert client.get("/messages").status_code == 200
    assert unread() == []
