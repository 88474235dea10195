"""Issue 18: a session cookie stops working everywhere once the session ends, on SQLite and
PostgreSQL; a deleted (deactivated) login's API tokens stop too; the receipt counts photos."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from needlecare.services import auth
from needlecare.web.security import SESSION_COOKIE

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(client: TestClient, page: str) -> str:
    match = CSRF.search(client.get(page).text)
    assert match, page
    return match.group(1)


def _log_in(client: TestClient, person: Any) -> str:
    token = _csrf(client, "/login")
    response = client.post(
        "/login",
        data={"email": person.email, "password": person.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(client.cookies[SESSION_COOKIE])


def _reads_home(app: Any, cookie: str) -> bool:
    with TestClient(app, follow_redirects=False) as other:
        other.cookies.set(SESSION_COOKIE, cookie)
        return other.get("/today").status_code == 200


def test_logout_ends_a_copy_of_the_cookie_taken_before(
    app: Any, client: TestClient, world: Any
) -> None:
    copy = _log_in(client, world.pat)
    assert _reads_home(app, copy)
    token = _csrf(client, "/today")
    assert client.post("/logout", data={"csrf_token": token}).status_code in (200, 303)
    assert not _reads_home(app, copy)


def test_ending_the_sessions_ends_every_device_but_a_new_login_works(
    app: Any, client: TestClient, world: Any, uow: Any
) -> None:
    first = _log_in(client, world.pat)
    with uow:  # what a password change or reset calls
        auth.end_sessions(uow.session, world.pat.user_id)
        uow.commit()
    assert not _reads_home(app, first)
    second = _log_in(client, world.pat)
    assert _reads_home(app, second)


def test_deactivation_ends_api_tokens_even_if_reactivated(
    client: TestClient, world: Any, uow: Any
) -> None:
    with uow:
        auth.end_sessions(uow.session, world.bob.user_id, revoke_tokens=True)
        uow.commit()
    assert client.get("/api/v1/me", headers=world.bob.headers).status_code == 401


def test_the_deletion_receipt_counts_the_deleted_photos(client: TestClient, world: Any) -> None:
    from photo_web.conftest import skin_photo

    uploaded = client.post(
        f"/api/v1/patients/{world.patients['pat']}/photos",
        files={"file": ("p.png", skin_photo(seed=21), "image/png")},
        headers=world.pat.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    receipt = client.post(
        "/api/v1/me/delete", json={"confirm": "DELETE MY DATA"}, headers=world.pat.headers
    )
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()["rows_deleted"]["photo"] == 1
