"""Issue 19: a new clinic from the CLI (one-time set-password link), self-service clinic sign-up
behind its setting, and password reset by email (same answer whether the account exists,
single-use hashed token, every session and API token ends)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from api.api_helpers import session_cookie
from conftest import SECRET, World
from needlecare.cli import app as cli_app
from needlecare.jobs import emails
from needlecare.jobs.settings import JobsSettings
from needlecare.services import account_links, auth, clinics
from needlecare.services.errors import Conflict, Invalid, NotFound, Unauthorized
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import AccountLink, AuditEntry, Clinic, OutboxMessage, User
from needlecare.storage.uow import UnitOfWork

NEW_PASSWORD = "a quiet harbour at dawn 42"


def _token_of(url: str) -> str:
    return url.rstrip().rsplit("/", 1)[1]


def test_cli_creates_a_clinic_and_prints_a_link_that_sets_the_admin_password(
    database_url: str, tmp_path: Path, client: TestClient, uow: UnitOfWork
) -> None:
    env = {
        "NEEDLECARE_DATABASE_URL": database_url,
        "NEEDLECARE_DATA_DIR": str(tmp_path),
        "NEEDLECARE_SECRET_KEY": SECRET,
        "NEEDLECARE_BASE_URL": "https://care.example.org",
    }
    args = ["clinic", "create", "--name", "Cedar Skin", "--admin-email", "Cara@Cedar.example"]
    result = CliRunner().invoke(cli_app, args, env=env)
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://care.example.org/account/password/acc_")
    token = _token_of(link)
    with uow.reading():
        clinic = uow.session.scalar(select(Clinic).where(Clinic.name == "Cedar Skin"))
        admin = uow.session.scalar(select(User).where(User.email == "cara@cedar.example"))
        assert clinic is not None and admin is not None
        assert admin.role is Role.ADMIN and admin.clinic_id == clinic.id
        stored = uow.session.scalars(select(AccountLink.token_hash)).all()
    assert token not in stored and auth.hash_token(token) in stored  # only the hash is kept
    # Nobody logs in before the link is used, not even with the placeholder.
    with pytest.raises(Unauthorized):
        auth.authenticate(uow, "cara@cedar.example", clinics.UNUSABLE_PASSWORD)

    page = client.get(f"/account/password/{token}")
    assert page.status_code == 200 and "Cedar Skin" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    principal = account_links.use(uow, token, NEW_PASSWORD)
    assert principal.is_admin and principal.clinic_id == clinic.id
    assert auth.authenticate(uow, "cara@cedar.example", NEW_PASSWORD).user_id == admin.id
    with pytest.raises(NotFound):  # single use
        account_links.use(uow, token, "another long passphrase 77")
    assert client.get(f"/account/password/{token}").status_code == 404

    again = CliRunner().invoke(cli_app, args, env=env)  # the address is taken now
    assert again.exit_code == 1 and "already exists" in again.output
    bad = CliRunner().invoke(
        cli_app, ["clinic", "create", "--name", " ", "--admin-email", "nope"], env=env
    )
    assert bad.exit_code == 2
    assert "--name" in bad.output and "--admin-email" in bad.output
    assert "Traceback" not in bad.output


def test_an_expired_link_does_not_work(uow: UnitOfWork, world: World) -> None:
    made = clinics.create_clinic(uow, "Late Clinic", "late@example.org")
    assert made.link is not None
    with uow:
        uow.session.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        uow.commit()
    assert account_links.preview(uow, made.link.token) is None
    with pytest.raises(NotFound):
        account_links.use(uow, made.link.token, NEW_PASSWORD)


def test_a_weak_password_is_refused_and_the_link_stays_usable(uow: UnitOfWork) -> None:
    made = clinics.create_clinic(uow, "Weak Clinic", "weak@example.org")
    assert made.link is not None
    with pytest.raises(Invalid):
        account_links.use(uow, made.link.token, "short")
    assert account_links.preview(uow, made.link.token) is not None


def test_clinic_signup_is_off_unless_the_operator_turns_it_on(client: TestClient) -> None:
    assert client.get("/signup/clinic").status_code == 404


def test_clinic_signup_creates_a_clinic_with_its_admin(uow: UnitOfWork, world: World) -> None:
    principal = clinics.sign_up(uow, "Dogwood", "Dee Admin", "dee@dogwood.example", NEW_PASSWORD)
    assert principal.is_admin and principal.clinic_id not in (world.alder_id, world.birch_id)
    with pytest.raises(Conflict):
        clinics.sign_up(uow, "Other", "Someone", "dee@dogwood.example", NEW_PASSWORD)
    with pytest.raises(Invalid) as caught:
        clinics.sign_up(uow, "", "", "not-an-email", NEW_PASSWORD)
    assert {e.field for e in caught.value.errors} == {"clinic_name", "display_name", "email"}
    with pytest.raises(Invalid) as caught:  # the password's problem comes with the others
        clinics.sign_up(uow, "", "Dee", "dee2@dogwood.example", "short")
    assert [e.field for e in caught.value.errors] == ["clinic_name", "password"]
    with uow.reading():
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.clinic_id == principal.clinic_id)
        ).all()
    assert actions == ["clinic.signup"]


def _reset_mail(uow: UnitOfWork) -> list[OutboxMessage]:
    with uow.reading():
        return list(
            uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
        )


def _link_from_email(uow: UnitOfWork, row: OutboxMessage) -> str:
    settings = JobsSettings(secret_key=SECRET, base_url="https://care.example.org")
    with uow.reading():
        message = emails.compose(uow.session, row, settings)
    body = message.get_body(("plain",))
    assert body is not None
    text: Any = body.get_content()
    assert row.recipient == message["To"]
    return next(line for line in text.splitlines() if "/account/password/" in line)


def test_reset_answers_the_same_whether_or_not_the_account_exists(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    known = client.post("/api/v1/auth/password-reset", json={"email": world.bob.email})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    mail = _reset_mail(uow)
    assert [m.recipient for m in mail] == [world.bob.email]
    assert "link_id" in mail[0].payload and len(mail[0].payload) == 1  # ids only
    # Asked again at once: no second email (a form must not mail-bomb a person).
    client.post("/api/v1/auth/password-reset", json={"email": world.bob.email})
    assert len(_reset_mail(uow)) == 1
    bad = client.post("/api/v1/auth/password-reset", json={"email": "not an email"})
    assert bad.status_code == 422


def test_reset_ends_every_session_and_api_token(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    with uow.reading():
        generation = uow.session.scalar(
            select(User.session_generation).where(User.id == world.bob.user_id)
        )
    cookie = session_cookie(SECRET, {"uid": world.bob.user_id, "gen": generation, "csrf": "x"})
    client.cookies.update(cookie)
    assert client.get("/clinic/patients", follow_redirects=False).status_code == 200
    assert client.get("/api/v1/me", headers=world.bob.headers).status_code == 200

    account_links.request_reset(uow, world.bob.email, SECRET)
    link = _link_from_email(uow, _reset_mail(uow)[0])
    token = _token_of(link)
    with uow.reading():
        assert auth.hash_token(token) in uow.session.scalars(select(AccountLink.token_hash)).all()
    confirm = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert confirm.status_code == 200, confirm.text
    assert confirm.json()["email"] == world.bob.email

    assert client.get("/api/v1/me", headers=world.bob.headers).status_code == 401
    client.cookies.update(cookie)
    ended = client.get("/clinic/patients", follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"].startswith("/login")
    assert auth.authenticate(uow, world.bob.email, NEW_PASSWORD).user_id == world.bob.user_id
    again = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert again.status_code == 404
    # The email is not built any more once its link is used.
    row = _reset_mail(uow)[0]
    with uow.reading(), pytest.raises(emails.NoLongerWanted):
        emails.compose(uow.session, row, JobsSettings(secret_key=SECRET))
    with uow.reading():
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(world.bob.user_id))
        ).all()
    assert {"account.reset_requested", "account.password_reset"} <= set(actions)


def test_a_deactivated_account_gets_no_reset(uow: UnitOfWork, world: World) -> None:
    with uow:
        uow.session.execute(
            update(User).where(User.id == world.bob.user_id).values(is_active=False)
        )
        uow.commit()
    account_links.request_reset(uow, world.bob.email, SECRET)
    assert _reset_mail(uow) == []


def test_a_newer_password_ends_older_reset_links(uow: UnitOfWork, world: World) -> None:
    with uow:
        first = account_links.issue(uow.session, world.bob.user_id, account_links.RESET)
        second = account_links.issue(uow.session, world.bob.user_id, account_links.RESET)
        uow.commit()
    account_links.use(uow, second.token, NEW_PASSWORD)
    assert account_links.preview(uow, first.token) is None
