"""Logins and API tokens: email + password -> Principal; bearer token -> Principal."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from needlecare.services import ratelimit
from needlecare.services.errors import Invalid, NotFound, Unauthorized
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.passwords import (
    burn_time_like_a_verify,
    hash_password,
    needs_rehash,
    verify_password,
)
from needlecare.services.principal import Principal
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import ApiToken, Patient, User
from needlecare.storage.uow import UnitOfWork

TOKEN_PREFIX = "nc_"  # noqa: S105  (a visible prefix, not a secret)
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str, field: str = "email") -> str:
    value = email.strip().lower()
    if len(value) > 320 or not _EMAIL.match(value):
        raise Invalid.field(field, "enter a valid email address")
    return value


def hash_token(raw: str) -> str:
    """Tokens are long random strings: a fast hash is enough (and no salt is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def principal_for(session: Session, user: User) -> Principal:
    patient_id = None
    if user.role is Role.PATIENT:
        patient_id = session.scalar(select(Patient.id).where(Patient.user_id == user.id))
    return Principal(
        user_id=user.id,
        role=user.role,
        email=user.email,
        display_name=user.display_name,
        clinic_id=user.clinic_id,
        patient_id=patient_id,
        session_generation=user.session_generation,
        language=user.language,
    )


def authenticate(
    uow: UnitOfWork, email: str, password: str, client_ip: str | None = None
) -> Principal:
    """Check email + password; Unauthorized with one message whatever was wrong.
    Rate-limited per account and per client IP (TooManyAttempts, see services.ratelimit)."""
    checked = _check_password(uow, email, password, client_ip)
    with _login_unit(uow, checked) as principal:
        uow.commit()
        return principal


@dataclass(frozen=True)
class _Checked:
    """A login whose password was right when checked."""

    key: str  # the email as the rate limits count it
    client_ip: str | None
    user_id: int
    password_hash: str  # as verified
    rehashed: str | None  # the password hashed again with today's parameters, if needed


def _check_password(uow: UnitOfWork, email: str, password: str, client_ip: str | None) -> _Checked:
    """The rate limits and the account in one read-only unit, then argon2 outside any
    transaction: a login waiting for a password slot (see services.budget) must not hold a
    pooled connection that /health and others need. A wrong password is counted."""
    key = email.strip().lower()
    with uow.reading():
        ratelimit.check_login_allowed_in(uow, key, client_ip)
        found = uow.session.execute(
            select(User.id, User.password_hash, User.is_active).where(User.email == key)
        ).one_or_none()
    if found is None:
        burn_time_like_a_verify(password)
    elif verify_password(found.password_hash, password) and found.is_active:
        rehashed = hash_password(password) if needs_rehash(found.password_hash) else None
        return _Checked(key, client_ip, found.id, found.password_hash, rehashed)
    ratelimit.record_failure(uow, key, client_ip)
    raise Unauthorized("wrong email or password")


@contextmanager
def _login_unit(uow: UnitOfWork, checked: _Checked) -> Iterator[Principal]:
    """One write unit that completes a checked login (the new hash if one is due, the
    account's failures cleared) and whatever the caller adds before it commits. A login
    disabled since the check counts as a failure."""
    try:
        with uow:
            user = uow.session.get(User, checked.user_id)
            if user is None or not user.is_active:
                raise Unauthorized("wrong email or password")
            if checked.rehashed is not None and user.password_hash == checked.password_hash:
                user.password_hash = checked.rehashed
            ratelimit.clear_account_in(uow.session, checked.key, checked.client_ip)
            yield principal_for(uow.session, user)
    except Unauthorized:
        ratelimit.record_failure(uow, checked.key, checked.client_ip)
        raise


def principal_for_user_id(
    uow: UnitOfWork, user_id: int, session_generation: int | None = None
) -> Principal:
    """For session cookies: the user behind a stored id, if still active and (when given)
    the cookie's generation is still the login's: every earlier cookie has ended."""
    with uow.reading():
        principal, last_seen = principal_in(uow.session, user_id, session_generation)
    mark_seen(uow, user_id, last_seen)
    return principal


def principal_in(
    session: Session, user_id: int, session_generation: int | None = None
) -> tuple[Principal, datetime | None]:
    """`principal_for_user_id`'s reads inside the caller's transaction: the principal and
    when the user was last seen (for `mark_seen`, once the transaction has ended)."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("please log in again")
    if session_generation is not None and user.session_generation != session_generation:
        raise Unauthorized("your session has ended; please log in again")
    return principal_for(session, user), user.last_seen_at


def mark_seen(uow: UnitOfWork, user_id: int, last_seen: datetime | None) -> None:
    """The staff page's "last seen": one small write per login every LAST_USED_RESOLUTION
    at most, never one per request."""
    if not seen_is_due(last_seen):
        return
    with uow:
        mark_seen_in(uow.session, user_id, last_seen)
        uow.commit()


def seen_is_due(last_seen: datetime | None) -> bool:
    return last_seen is None or utcnow() - last_seen > LAST_USED_RESOLUTION


def mark_seen_in(session: Session, user_id: int, last_seen: datetime | None) -> None:
    """`mark_seen` inside the caller's (writing) transaction: no statement when not due."""
    if seen_is_due(last_seen):
        session.execute(update(User).where(User.id == user_id).values(last_seen_at=utcnow()))


def end_sessions(session: Session, user_id: int, *, revoke_tokens: bool = False) -> None:
    """Inside the caller's transaction: end every session cookie of the login (each copy,
    on every device), and with `revoke_tokens` its API tokens too. Call it on logout, a
    password change or reset (without tokens: they were issued for a reason), and on
    deactivation (with them)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
    )
    if revoke_tokens:
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def logout(uow: UnitOfWork, user_id: int) -> None:
    with uow:
        end_sessions(uow.session, user_id)
        uow.commit()


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str  # shown once; only its hash is stored
    name: str
    created_at: datetime


def create_token(
    uow: UnitOfWork, email: str, password: str, name: str = "", client_ip: str | None = None
) -> IssuedToken:
    """Exchange email + password for a new bearer token (the login and the token in one
    write unit after the password check)."""
    checked = _check_password(uow, email, password, client_ip)
    raw, digest = new_token()
    with _login_unit(uow, checked) as principal:
        row = ApiToken(user_id=principal.user_id, token_hash=digest, name=name[:200])
        uow.session.add(row)
        uow.commit()
        return IssuedToken(id=row.id, token=raw, name=row.name, created_at=row.created_at)


# One statement, built once (a bound parameter, so its compiled form is cached): the token,
# its user and (for a patient) their patient record, as plain columns (no ORM objects).
_TOKEN_LOOKUP = (
    select(
        ApiToken.id,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        User.id,
        User.role,
        User.email,
        User.display_name,
        User.clinic_id,
        User.is_active,
        Patient.id,
        User.language,  # a token's PDFs and texts speak the language its person chose
    )
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Patient, Patient.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True)
class BearerToken:
    """A bearer token as sent (checked when a unit of work reads it: `token_in`)."""

    raw: str


@dataclass(frozen=True)
class TokenUse:
    """The principal behind a bearer token, and when the token was last used."""

    principal: Principal
    token_id: int
    last_used_at: datetime | None


def principal_for_token(uow: UnitOfWork, raw: str) -> Principal:
    """The principal behind a bearer token; Unauthorized if unknown, revoked or disabled.
    One unit of work: the lookup, then "last used" when due (`note_token_used`)."""
    token = BearerToken(raw)
    with uow.reading():
        use = token_in(uow.session, token)
        if seen_is_due(use.last_used_at):
            uow.start_writes()
            note_token_used(uow.session, use)
            uow.commit()
    return use.principal


def token_in(session: Session, token: BearerToken) -> TokenUse:
    """`principal_for_token`'s read inside the caller's transaction (one statement)."""
    row = session.execute(_TOKEN_LOOKUP, {"token_hash": _token_hash(token.raw)}).one_or_none()
    if row is None:
        raise Unauthorized("invalid token")
    (token_id, revoked_at, last_used_at, user_id, role, email, name, clinic_id, active, patient,
     language) = tuple(row)  # fmt: skip
    if revoked_at is not None or not active:
        raise Unauthorized("invalid token")
    principal = Principal(
        user_id=user_id,
        role=role,
        email=email,
        display_name=name,
        clinic_id=clinic_id,
        patient_id=patient if role is Role.PATIENT else None,
        language=language,
    )
    return TokenUse(principal, token_id, last_used_at)


def _token_hash(raw: str) -> str:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise Unauthorized("invalid token")
    return hash_token(raw)


def acting_in(
    session: Session, actor: Principal | BearerToken
) -> tuple[Principal, TokenUse | None]:
    """Inside the caller's reading unit of work: the principal acting, read from its bearer
    token when `actor` is one (Unauthorized as `principal_for_token`), and the token's use
    (for `note_token_used` in the unit's writes)."""
    if isinstance(actor, Principal):
        return actor, None
    use = token_in(session, actor)
    return use.principal, use


def note_token_used(session: Session, use: TokenUse | None) -> None:
    """In the caller's writes: the token's "last used" and its login's "last seen", at most
    every LAST_USED_RESOLUTION (no statement otherwise: a token's requests cost no more)."""
    if use is None or not seen_is_due(use.last_used_at):
        return
    now = utcnow()
    session.execute(update(ApiToken).where(ApiToken.id == use.token_id).values(last_used_at=now))
    session.execute(update(User).where(User.id == use.principal.user_id).values(last_seen_at=now))


def token_page(
    uow: UnitOfWork,
    actor: Principal,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[ApiToken]:
    """The actor's own tokens, oldest first, `limit` at a time after `after` (every login
    through the API makes one, so the list grows)."""
    with uow.reading():
        return keyset_page(
            uow.session,
            select(ApiToken).where(ApiToken.user_id == actor.user_id),
            (ApiToken.id,),
            after=after,
            limit=limit,
        )


def revoke_token(uow: UnitOfWork, actor: Principal, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (idempotent)."""
    with uow:
        token = uow.session.get(ApiToken, token_id)
        if token is None or token.user_id != actor.user_id:
            raise NotFound("token")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        uow.commit()
        return token
