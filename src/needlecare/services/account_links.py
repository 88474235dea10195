"""Single-use links that set a login's password: a new clinic's first admin ("set_password",
printed once by `needlecare clinic create`) and a password reset by email ("reset").

Only the SHA-256 of a link's token is stored. A reset link goes out through the outbox,
which holds ids only and builds the email when it is sent: its token is derived then from
the secret key and the link's random `nonce` (HMAC), so neither the outbox nor a copy of
the database alone can open the link. A link works once, until it expires; using one ends
every session cookie and API token of the login (whoever had them, they are gone).

Asking for a reset answers the same whether or not the address has an account (no
enumeration); an account gets at most one reset email per RESET_COOLDOWN.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from needlecare.services import audit
from needlecare.services.auth import end_sessions, hash_token, normalize_email, principal_for
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.notifications import enqueue
from needlecare.services.passwords import check_new_password, hash_password
from needlecare.services.principal import Principal
from needlecare.storage.base import utcnow
from needlecare.storage.models import AccountLink, Clinic, User
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork

SET_PASSWORD, RESET = "set_password", "reset"
LIFETIME = {SET_PASSWORD: timedelta(days=7), RESET: timedelta(hours=1)}
RESET_COOLDOWN = timedelta(minutes=5)
LINK_PREFIX = "acc_"
_HMAC_CONTEXT = b"needlecare.account_link."


@dataclass(frozen=True)
class IssuedLink:
    id: int
    token: str  # shown (or emailed) once; only its hash is stored
    expires_at: datetime


@dataclass(frozen=True)
class LinkPreview:
    purpose: str
    email: str
    display_name: str
    clinic_name: str | None


def derived_token(secret_key: str, nonce: str) -> str:
    """The token of an emailed link, from the secret key and the link's stored nonce."""
    digest = hmac.new(secret_key.encode(), _HMAC_CONTEXT + nonce.encode(), hashlib.sha256)
    return LINK_PREFIX + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def issue(
    session: Session, user_id: int, purpose: str, *, secret_key: str | None = None
) -> IssuedLink:
    """Inside the caller's transaction: a new link for the login. With `secret_key` the
    token is derived (an emailed link, see the module doc); without, it is random."""
    now = utcnow()
    nonce = secrets.token_urlsafe(24) if secret_key is not None else None
    raw = (
        derived_token(secret_key, nonce)
        if secret_key is not None and nonce is not None
        else LINK_PREFIX + secrets.token_urlsafe(32)
    )
    row = AccountLink(
        user_id=user_id,
        purpose=purpose,
        token_hash=hash_token(raw),
        nonce=nonce,
        created_at=now,
        expires_at=now + LIFETIME[purpose],
    )
    session.add(row)
    session.flush()
    return IssuedLink(row.id, raw, row.expires_at)


def _usable(session: Session, token: str) -> tuple[AccountLink, User] | None:
    if not token.startswith(LINK_PREFIX) or len(token) > 200:
        return None
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == hash_token(token)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    user = session.get(User, link.user_id)
    if user is None or not user.is_active:
        return None
    return link, user


def preview(uow: UnitOfWork, token: str) -> LinkPreview | None:
    """Whom a link is for (the page greets them), or None if it cannot be used."""
    with uow.reading():
        found = _usable(uow.session, token)
        if found is None:
            return None
        link, user = found
        clinic = uow.session.get(Clinic, user.clinic_id) if user.clinic_id else None
        return LinkPreview(
            link.purpose, user.email, user.display_name, clinic.name if clinic else None
        )


def use(uow: UnitOfWork, token: str, password: str) -> Principal:
    """Set the login's password from a link (single use) and end all its sessions and API
    tokens; the returned principal carries the new session generation (log them in)."""
    with uow.reading():
        found = _usable(uow.session, token)
        email = found[1].email if found else None
    if found is None:
        raise NotFound("link")
    check_new_password(password, email=email)
    password_hash = hash_password(password)  # before the unit: it holds SQLite's write lock
    with uow:
        again = _usable(uow.session, token)
        if again is None:  # used or expired meanwhile
            raise NotFound("link")
        link, user = again
        now = utcnow()
        user.password_hash = password_hash
        # Every other open link of the login ends too: an older reset email must not work.
        uow.session.execute(
            update(AccountLink)
            .where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
            .values(used_at=now)
        )
        end_sessions(uow.session, user.id, revoke_tokens=True)
        uow.session.refresh(user)
        action = "account.password_reset" if link.purpose == RESET else "account.password_set"
        audit.record(
            uow.session,
            None,
            action,
            "user_account",
            user.id,
            clinic_id=user.clinic_id,
            actor_role="link",
        )
        principal = principal_for(uow.session, user)
        uow.commit()
        return principal


def request_reset(uow: UnitOfWork, email: str, secret_key: str) -> None:
    """Queue a reset email if the address has an active login; nothing is said either way.
    A malformed address is the only error (it says nothing about any account)."""
    try:
        address = normalize_email(email)
    except Invalid:
        raise Invalid.field("email", "enter a valid email address") from None
    with uow:
        user = uow.session.scalar(select(User).where(User.email == address))
        if user is None or not user.is_active:
            return
        recent = uow.session.scalar(
            select(AccountLink.id).where(
                AccountLink.user_id == user.id,
                AccountLink.purpose == RESET,
                AccountLink.created_at > utcnow() - RESET_COOLDOWN,
            )
        )
        if recent is not None:
            return  # one email per cooldown: the form must not mail-bomb a person
        link = issue(uow.session, user.id, RESET, secret_key=secret_key)
        enqueue(
            uow.session,
            kind=MessageKind.PASSWORD_RESET,
            recipient=user.email,
            dedupe_key=f"account_link:{link.id}",
            payload={"link_id": link.id},
            clinic_id=user.clinic_id,
            patient_id=None,
        )
        audit.record(
            uow.session,
            None,
            "account.reset_requested",
            "user_account",
            user.id,
            clinic_id=user.clinic_id,
            actor_role="anonymous",
        )
        uow.commit()


def emailed_link(session: Session, link_id: int, secret_key: str) -> tuple[str, User] | None:
    """For the email builder: the token of a reset link that still works, and its login."""
    link = session.get(AccountLink, link_id)
    if link is None or link.nonce is None:
        return None
    token = derived_token(secret_key, link.nonce)
    found = _usable(session, token)
    return (token, found[1]) if found is not None else None
