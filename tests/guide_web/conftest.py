"""Helpers for the guide's web tests; the database fixtures (`app`, `client`, `uow`,
`world`) come from tests/conftest.py and run on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from needlecare.web import security
from page_session import set_page_session

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html"}


def login(client: TestClient, user_id: int) -> None:
    """A session cookie as a successful login sets it (argon2 is tested elsewhere)."""
    client.cookies.clear()
    set_page_session(
        client, {security._USER_KEY: user_id, security._CSRF_KEY: secrets.token_urlsafe(32)}
    )


def post_form(client: TestClient, page: str, action: str, data: dict[str, Any]) -> Response:
    """GET `page` for its CSRF token, then POST `data` to `action` like a browser."""
    match = CSRF.search(client.get(page, headers=HTML).text)
    assert match, f"{page} has no CSRF field"
    return client.post(
        action, data={**data, "csrf_token": match.group(1)}, headers=HTML, follow_redirects=False
    )


@pytest.fixture
def html_client(client: TestClient) -> TestClient:
    client.headers.update(HTML)
    return client
