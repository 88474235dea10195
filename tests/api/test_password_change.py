"""Issue 18: a logged-in password change (API): the current password first, the reset's
strength rules, every session cookie ends (tokens stay), an open reset link ends, an audit
row, an email saying it was changed; wrong current passwords count as failed logins."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.api_helpers import session_cookie
from conftest import SECRET, World
from needlecare.i18n import localize
from needlecare.jobs import emails
from needlecare.jobs.settings import JobsSettings
from needlecare.services import account_links, auth, ratelimit
from needlecare.services.errors import Unauthorized
from needlecare.storage.models import AuditEntry, OutboxMessage, User
from needlecare.storage.uow import UnitOfWork

CHANGE = "/api/v1/me/password"
NEW = "a quiet lake at dawn 42"


def _mail(uow: UnitOfWork) -> list[OutboxMessage]:
    with uow.reading():
        return list(
            uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "password_changed")
            )
        )


def _email_text(uow: UnitOfWork, row: OutboxMessage) -> tuple[str, str, str]:
    settings = JobsSettings(secret_key=SECRET, base_url="https://care.example.org")
    with uow.reading():
        message = emails.compose(uow.session, row, settings)
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    text: Any = plain.get_content()
    return str(message["Subject"]), text, html.get_content()


def test_a_password_change_ends_other_sessions_mails_and_audits(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    pat = world.pat
    cookie = session_cookie(SECRET, {"uid": pat.user_id, "gen": 0})
    client.cookies.update(cookie)
    assert client.get("/today", follow_redirects=False).status_code == 200
    with uow:  # an emailed reset link, still open
        link = account_links.issue(uow.session, pat.user_id, account_links.RESET)
        uow.commit()
    changed = client.post(
        CHANGE,
        json={"current_password": pat.password, "new_password": NEW},
        headers=pat.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["user_id"] == pat.user_id
    # The cookie taken before the change no longer opens a page; the token still works.
    client.cookies.update(cookie)
    assert client.get("/today", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me", headers=pat.headers).status_code == 200
    assert account_links.preview(uow, link.token) is None  # the old reset link ended
    assert auth.authenticate(uow, pat.email, NEW).user_id == pat.user_id
    with pytest.raises(Unauthorized):  # the old password is gone
        auth.authenticate(uow, pat.email, pat.password)
    with uow.reading():
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor_user_id == pat.user_id)
        ).all()
    assert "account.password_change" in actions
    mail = _mail(uow)
    assert [m.recipient for m in mail] == [pat.email]
    assert mail[0].payload == {"user_id": pat.user_id}  # ids only, never a secret
    subject, text, html = _email_text(uow, mail[0])
    assert subject == "Your NeedleCare password was changed"
    for body in (text, html):
        assert "was just changed" in body and "/password/forgot" in body
        assert NEW not in body


def test_the_email_is_in_the_persons_language(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    with uow:
        uow.session.execute(update(User).where(User.id == world.pat.user_id).values(language="es"))
        uow.commit()
    body = {"current_password": world.pat.password, "new_password": NEW}
    assert client.post(CHANGE, json=body, headers=world.pat.headers).status_code == 200
    subject, text, _ = _email_text(uow, _mail(uow)[0])
    assert subject == localize("es", emails.CHANGED_SUBJECT) != emails.CHANGED_SUBJECT
    assert "se acaba de cambiar" in text


def test_staff_change_theirs_too(client: TestClient, uow: UnitOfWork, world: World) -> None:
    body = {"current_password": world.bob.password, "new_password": NEW}
    assert client.post(CHANGE, json=body, headers=world.bob.headers).status_code == 200
    assert auth.authenticate(uow, world.bob.email, NEW).user_id == world.bob.user_id


def test_wrong_current_weak_or_same_password_is_a_422_and_changes_nothing(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    bob = world.bob
    cases = [
        ({"current_password": "not my password at all", "new_password": NEW}, "current_password"),
        ({"current_password": bob.password, "new_password": "short"}, "new_password"),
        ({"current_password": bob.password, "new_password": "password1234567"}, "new_password"),
        ({"current_password": bob.password, "new_password": bob.password}, "new_password"),
    ]
    for body, field in cases:
        refused = client.post(CHANGE, json=body, headers=bob.headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"].endswith(field), refused.text
    missing = client.post(CHANGE, json={"new_password": NEW}, headers=bob.headers)
    assert missing.status_code == 422
    assert auth.authenticate(uow, bob.email, bob.password).user_id == bob.user_id
    assert _mail(uow) == []
    assert client.post(CHANGE, json={}, headers={}).status_code == 401


def test_guessing_the_current_password_is_throttled_like_a_login(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    bob = world.bob
    wrong = {"current_password": "guess number one two", "new_password": NEW}
    for _ in range(ratelimit.LOCK_AFTER):
        assert client.post(CHANGE, json=wrong, headers=bob.headers).status_code == 422
    locked = client.post(
        CHANGE, json={"current_password": bob.password, "new_password": NEW}, headers=bob.headers
    )
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    # The same lock as the login form's: from this address, the account waits.
    assert auth.authenticate(uow, bob.email, bob.password, "elsewhere").user_id == bob.user_id
