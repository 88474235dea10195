"""Check-in pages driven like a browser (form posts with CSRF), on SQLite and PostgreSQL:
the root `app` and `world` fixtures (the root `database_url` is parametrised over both)."""

from __future__ import annotations

import json
import re
import secrets
from base64 import b64encode
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import select

from needlecare.storage.models import Checkin, User
from needlecare.web import security

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def login(client: TestClient, email: str) -> None:
    """A session for `email` as a successful login starts it (no argon2 verify per test)."""
    app = client.app
    assert isinstance(app, FastAPI)
    with app.state.session_factory() as session:
        user = session.execute(
            select(User.id, User.session_generation).where(User.email == email)
        ).one()
    data = {
        security._USER_KEY: user.id,
        security._GENERATION_KEY: user.session_generation,
        security._CSRF_KEY: secrets.token_urlsafe(32),
    }
    signer = TimestampSigner(str(app.state.settings.secret_key))
    cookie = signer.sign(b64encode(json.dumps(data).encode())).decode()
    client.cookies.clear()
    client.cookies.set(security.SESSION_COOKIE, cookie, domain="testserver.local", path="/")


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
