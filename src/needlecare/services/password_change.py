"""A logged-in person changes their own password (patients and staff alike): the current
password, then a new one under the same rules as a reset.

A wrong current password counts as a failed login of the account from that address
(services.ratelimit): someone holding a stolen session cannot guess the password here any
faster than at the login form, and the same lock-out applies. The change ends every session
cookie of the login (the session generation; the page re-issues its own cookie at once),
ends any open reset link, writes an audit row and emails the person that their password
was changed (no link, no secret), so a change they did not make does not go unnoticed.
API tokens stay: they were issued on purpose and are listed and revoked one by one.
"""

from __future__ import annotations

from sqlalchemy import select, update

from needlecare.i18n import N_
from needlecare.services import audit, ratelimit
from needlecare.services.auth import end_sessions, principal_for
from needlecare.services.errors import Invalid, Unauthorized
from needlecare.services.notifications import enqueue
from needlecare.services.passwords import (
    check_new_password,
    hash_password,
    normalize,
    verify_password,
)
from needlecare.services.principal import Principal
from needlecare.storage.base import utcnow
from needlecare.storage.models import AccountLink, User
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork

# Whole sentences (the page shows them as they are, translated).
WRONG_CURRENT = N_("This is not your current password.")
SAME_AS_BEFORE = N_("Choose a new password, not the one you have now.")
AGAIN_DIFFERS = N_("The two new passwords are not the same. Type it the same way twice.")


def change_password(
    uow: UnitOfWork,
    actor: Principal,
    current: str,
    new: str,
    *,
    again: str | None = None,
    client_ip: str | None = None,
) -> Principal:
    """Set `new` as the actor's password if `current` is theirs; returns the principal with
    the new session generation (the caller's page session logs in again with it). `again`
    is the page's second copy of the new password. Invalid (422) names the field to fix;
    TooManyAttempts (429) while the account is locked from this address."""
    if actor.user_id is None:
        raise Unauthorized("log in first")
    with uow.reading():
        found = uow.session.execute(
            select(User.email, User.password_hash).where(User.id == actor.user_id)
        ).one_or_none()
    if found is None:
        raise Unauthorized("log in first")
    email = found.email
    ratelimit.check_login_allowed(uow, email, client_ip)
    # argon2 runs outside any transaction (it waits for a password slot, see services.budget).
    if not current or not verify_password(found.password_hash, current):
        ratelimit.record_failure(uow, email, client_ip)
        raise Invalid.field("current_password", WRONG_CURRENT)
    check_new_password(new, field="new_password", email=email)
    if again is not None and normalize(again) != normalize(new):
        raise Invalid.field("new_password_again", AGAIN_DIFFERS)
    if normalize(new) == normalize(current):
        raise Invalid.field("new_password", SAME_AS_BEFORE)
    new_hash = hash_password(new)  # before the unit: it holds SQLite's write lock
    with uow:
        user = uow.session.get(User, actor.user_id)
        if user is None or not user.is_active or user.password_hash != found.password_hash:
            # Deactivated, or the password changed meanwhile: this session is over.
            raise Unauthorized("log in again")
        user.password_hash = new_hash
        # An older reset email must not set the password back.
        uow.session.execute(
            update(AccountLink)
            .where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
            .values(used_at=utcnow())
        )
        end_sessions(uow.session, user.id)
        uow.session.refresh(user)
        audit.record(
            uow.session, actor, "account.password_change", "user_account", user.id,
            clinic_id=user.clinic_id, patient_id=actor.patient_id,
        )  # fmt: skip
        enqueue(
            uow.session,
            kind=MessageKind.PASSWORD_CHANGED,
            recipient=user.email,
            dedupe_key=f"password_changed:{user.id}:{user.session_generation}",
            payload={"user_id": user.id},
            clinic_id=user.clinic_id,
            patient_id=None,
        )
        principal = principal_for(uow.session, user)
        uow.commit()
    ratelimit.clear_account(uow, email, client_ip)
    return principal
