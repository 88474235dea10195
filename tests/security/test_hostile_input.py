"""Issue 18: no input answers 500, and a body is refused by its size before any work.
Each test runs on SQLite and PostgreSQL (PostgreSQL refuses NUL in text: the 500s came
from there)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from needlecare.storage.models import Treatment

API = "/api/v1"
NUL = "a\x00b"
LONE_SURROGATE = "a\ud800b"


def _json_with(text: str) -> str:
    # json.dumps escapes both as \u0000 / \ud800, exactly what a hostile client sends.
    import json

    return json.dumps({"body": text})


@pytest.mark.parametrize("bad", ["²", "①", "٣", "9223372036854775808", "2147483648", "+5"])
def test_a_path_id_that_is_not_an_ascii_number_in_range_is_not_found(
    client: TestClient, world: Any, bad: str
) -> None:
    for path in (f"/patients/{bad}", f"/patients/{bad}/checkins", f"/alerts/{bad}/resolve"):
        method = client.post if path.endswith("resolve") else client.get
        response = method(f"{API}{path}", headers=world.alice.headers)
        assert response.status_code in (404, 422), (path, response.text)


@pytest.mark.parametrize("bad", ["①", "²", "2147483648"])
def test_a_page_path_id_that_is_not_an_ascii_number_is_not_found(
    client: TestClient, world: Any, uow: Any, bad: str
) -> None:
    """Logged in as staff, so the id itself is what is refused (not the missing login)."""
    _cookies(client, world, uow, "bob")
    assert client.get("/clinic/patients", headers={"accept": "text/html"}).status_code == 200
    response = client.get(f"/clinic/patients/{bad}", headers={"accept": "text/html"})
    assert response.status_code == 404, response.text


def test_an_audit_cursor_beyond_any_id_is_invalid(client: TestClient, world: Any) -> None:
    response = client.get(
        f"{API}/audit", params={"before_id": "9223372036854775808"}, headers=world.alice.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "query.before_id"


@pytest.mark.parametrize("text", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
def test_unstorable_text_in_a_note_is_refused_with_422(
    client: TestClient, world: Any, text: str
) -> None:
    response = client.post(
        f"{API}/patients/{world.patients['pat']}/notes",
        content=_json_with(text),
        headers={**world.bob.headers, "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("text", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
def test_unstorable_text_in_a_login_or_registration_is_refused_with_422(
    client: TestClient, world: Any, text: str
) -> None:
    import json

    login = client.post(
        f"{API}/auth/tokens",
        content=json.dumps({"email": f"x{text}@example.org", "password": "p" * 20}),
        headers={"content-type": "application/json"},
    )
    assert login.status_code == 422, login.text
    register = client.post(
        f"{API}/register",
        content=json.dumps(
            {"email": "new@example.org", "password": "a long unusual pass", "display_name": text}
        ),
        headers={"content-type": "application/json"},
    )
    assert register.status_code == 422, register.text
    assert register.json()["errors"][0]["field"] == "display_name"


@pytest.mark.parametrize("text", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
def test_unstorable_text_in_a_protocol_name_is_refused_with_422(
    client: TestClient, world: Any, text: str
) -> None:
    """The protocol body is free-form JSON (no typed schema to refuse it): the 500 came from
    a lone surrogate in its name. Nothing is saved."""
    import json

    document = {
        "schema_version": 1,
        "name": f"Alder {text} aftercare",
        "windows": {"vitamin_c": {"resume_day": 10, "reason": "15% L-ascorbic acid"}},
    }
    response = client.put(
        f"{API}/clinic/protocol",
        content=json.dumps(document),
        headers={**world.alice.headers, "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "name"
    current = client.get(f"{API}/clinic/protocol", headers=world.alice.headers)
    assert current.status_code == 200 and current.json()["protocol"] is None


def test_unstorable_text_in_a_page_form_and_a_query_is_refused(
    client: TestClient, world: Any
) -> None:
    form = client.post("/login", data={"email": NUL, "password": "x", "csrf_token": "t"})
    assert form.status_code == 422, form.text
    query = client.get(f"{API}/patients", params={"q": NUL}, headers=world.alice.headers)
    assert query.status_code == 422, query.text


def test_a_huge_anonymous_json_body_is_refused_before_it_is_read(client: TestClient) -> None:
    response = client.post(
        f"{API}/patients/1/checkins",
        content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


@pytest.mark.parametrize("path", [f"{API}/auth/tokens", f"{API}/register", "/login"])
def test_login_and_registration_take_only_small_bodies(client: TestClient, path: str) -> None:
    response = client.post(
        path,
        content=b'{"email": "' + b"a" * 50_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413, response.text


def test_a_streamed_body_without_length_is_counted(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 10_000

    response = client.post(
        f"{API}/register", content=chunks(), headers={"content-type": "text/plain"}
    )
    assert response.status_code == 413, response.text


def test_a_treatment_dated_decades_ago_is_refused_with_a_clear_message(
    client: TestClient, world: Any
) -> None:
    response = client.post(
        f"{API}/patients/{world.patients['pat']}/treatments",
        json={"treatment_date": "1990-01-01", "depth_mm": 0.5, "device": "pen"},
        headers=world.bob.headers,
    )
    assert response.status_code == 422, response.text
    assert "last 3 years" in response.json()["errors"][0]["message"]


def test_a_stored_ancient_treatment_does_not_break_checks_or_checkins(
    client: TestClient, world: Any, uow: Any
) -> None:
    """Rows written before the bound (or by an import) must still work: the day is capped
    at the last day triage knows, so the check-in is stored and triaged."""
    with uow:
        uow.session.execute(
            update(Treatment)
            .where(Treatment.id == world.treatments["pat"])
            .values(treatment_date=date(1990, 1, 1))
        )
        uow.commit()
    patient = world.patients["pat"]
    check = client.post(
        f"{API}/patients/{patient}/ingredient-check",
        json={"text": "Aqua, Glycerin, Retinol"},
        headers=world.pat.headers,
    )
    assert check.status_code == 200, check.text
    checkin = client.post(
        f"{API}/patients/{patient}/checkins",
        json={"symptoms": {"redness": 1, "fever": True}},
        headers=world.pat.headers,
    )
    assert checkin.status_code == 201, checkin.text


def _cookies(client: TestClient, world: Any, uow: Any, person: str = "pat") -> None:
    """A logged-in page session for `person` (pat, bob, ...), CSRF token csrf-for-the-test."""
    from sqlalchemy import select

    from api.api_helpers import session_cookie
    from needlecare.storage.models import User
    from needlecare.web import security

    user_id = world.people[person].user_id
    with uow.reading():
        generation = uow.session.scalar(select(User.session_generation).where(User.id == user_id))
    session = {
        security._USER_KEY: user_id,
        security._GENERATION_KEY: generation,
        security._CSRF_KEY: "csrf-for-the-test",
    }
    secret = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    for name, value in session_cookie(secret, session).items():
        client.cookies.set(name, value)


def test_a_nul_in_a_multipart_page_form_is_refused_with_422(
    client: TestClient, world: Any, uow: Any
) -> None:
    """A browser may send any form as multipart/form-data: its text fields are checked as
    the url-encoded ones are (a NUL in a message made PostgreSQL answer 500). A lone
    surrogate cannot travel in multipart: undecodable bytes arrive as Latin-1 text."""
    _cookies(client, world, uow)
    fields = {"message": (None, NUL.encode()), "csrf_token": (None, b"csrf-for-the-test")}
    response = client.post("/messages", files=fields, follow_redirects=False)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "message"
