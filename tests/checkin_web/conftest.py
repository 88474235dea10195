"""Check-in pages driven like a browser (form posts with CSRF), on SQLite and PostgreSQL:
the root `app` and `world` fixtures (the root `database_url` is parametrised over both)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import Checkin
from page_session import page_login

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def login(client: TestClient, email: str) -> None:
    """A session for `email` as a successful login starts it (`page_login`)."""
    page_login(client, email)


def post_form(client: TestClient, page: str, action: str, data: dict[str, object]) -> object:
    """GET `page` for a fresh CSRF token, then POST `data` to `action` like a browser."""
    match = CSRF.search(client.get(page).text)
    assert match, "page has no CSRF field"
    return client.post(action, data={**data, "csrf_token": match.group(1)})


def checked(page: str, name: str) -> str | None:
    """The value of the pressed radio button `name` on a page, None when none is pressed."""
    found = re.search(rf'name="{name}" value="([^"]*)"\s*checked', page)
    return found.group(1) if found else None


def stored(app: FastAPI) -> list[Checkin]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(Checkin).order_by(Checkin.id)))
