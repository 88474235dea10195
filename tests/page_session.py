"""A test client's page session, made the way a successful login makes it, without paying
for an argon2 verify in every test (the login form itself is tested with
`pages.conftest.real_login`). The one place tests sign a session cookie."""

from __future__ import annotations

import json
import secrets
from base64 import b64encode
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import select

from needlecare.storage.models import User
from needlecare.web import security


def sign_session(secret: str, session: dict[str, Any]) -> str:
    """The cookie value of `session`, signed the way Starlette's SessionMiddleware signs it."""
    return TimestampSigner(secret).sign(b64encode(json.dumps(session).encode())).decode()


def set_page_session(client: TestClient, session: dict[str, Any]) -> None:
    """Set `session` as the client's session cookie, with the domain and path of the
    server's own Set-Cookie, so that later responses replace it."""
    app = client.app
    assert isinstance(app, FastAPI)
    cookie = sign_session(str(app.state.settings.secret_key), session)
    client.cookies.set(security.SESSION_COOKIE, cookie, domain="testserver.local", path="/")


def page_login(client: TestClient, email: str) -> None:
    """A fresh session for `email`, with the session generation a real login records."""
    app = client.app
    assert isinstance(app, FastAPI)
    with app.state.session_factory() as session:
        user = session.execute(
            select(User.id, User.session_generation).where(User.email == email)
        ).one_or_none()
    assert user is not None, email
    client.cookies.clear()
    set_page_session(
        client,
        {
            security._USER_KEY: user.id,
            security._GENERATION_KEY: user.session_generation,
            security._CSRF_KEY: secrets.token_urlsafe(32),
        },
    )
