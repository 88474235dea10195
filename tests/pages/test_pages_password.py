"""Issue 18: /settings/password, a logged-in password change for patients and staff: the
current password, the new one twice, CSRF; the change keeps this browser logged in and
logs out every other copy of the session."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import OutboxMessage
from needlecare.web import security

from .conftest import login, post_form
from .seed import PASSWORD, World

PAGE = "/settings/password"
NEW = "a quiet lake at dawn 42"


def _form(current: str, new: str, again: str) -> dict[str, object]:
    return {"current_password": current, "new_password": new, "new_password_again": again}


def test_the_page_is_linked_for_patients_and_staff(client: TestClient, world: World) -> None:
    for email in (world.patient_a, world.clinician_a):
        login(client, email)
        page = client.get(PAGE)
        assert page.status_code == 200
        assert "Current password" in page.text and "New password again" in page.text
        assert 'autocomplete="current-password"' in page.text
        assert f'href="{PAGE}"' in client.get("/settings/language").text
    client.cookies.clear()
    assert client.get(PAGE, follow_redirects=False).status_code == 303  # to the login


def test_a_change_keeps_this_session_and_ends_the_others(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    with TestClient(app) as other:  # the same login on another device
        other.cookies.set(
            security.SESSION_COOKIE,
            client.cookies[security.SESSION_COOKIE],
            domain="testserver.local",
            path="/",
        )
        assert other.get("/today", follow_redirects=False).status_code == 200
        done = post_form(client, PAGE, PAGE, _form(PASSWORD, NEW, NEW))
        assert done.status_code == 303, done.text  # type: ignore[attr-defined]
        shown = client.get(PAGE)
        assert shown.status_code == 200 and "Your password is changed" in shown.text
        assert client.get("/today", follow_redirects=False).status_code == 200
        ended = other.get("/today", follow_redirects=False)
        assert ended.status_code == 303 and ended.headers["location"].startswith("/login")
    with app.state.session_factory() as session:
        sent = session.scalars(select(OutboxMessage.recipient)).all()
    assert sent == [world.patient_a]


def test_mistakes_are_shown_at_their_field_and_change_nothing(
    client: TestClient, world: World
) -> None:
    login(client, world.clinician_a)
    cases = [
        (_form("not the password", NEW, NEW), "This is not your current password."),
        (_form(PASSWORD, NEW, NEW + "!"), "The two new passwords are not the same."),
        (_form(PASSWORD, "short", "short"), "Use at least 15 characters."),
        (_form(PASSWORD, PASSWORD, PASSWORD), "Choose a new password, not the one you have now."),
    ]
    for form, message in cases:
        refused = post_form(client, PAGE, PAGE, form)
        assert refused.status_code == 422, message  # type: ignore[attr-defined]
        assert message in refused.text  # type: ignore[attr-defined]
        assert 'aria-invalid="true"' in refused.text  # type: ignore[attr-defined]
        assert NEW not in refused.text  # type: ignore[attr-defined]  (never echoed back)
    assert client.get("/clinic/patients").status_code == 200  # still logged in
    assert post_form(client, PAGE, PAGE, _form(PASSWORD, NEW, NEW)).status_code == 303  # type: ignore[attr-defined]
