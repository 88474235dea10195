"""Login and registration rate limits, counted in the database (shared by every app server).

Following OWASP's authentication cheat sheet, a lock-out slows an attacker without locking out
the real user:
- Per account and client address: LOCK_AFTER failures within WINDOW lock that account *from
  that address* for LOCKOUT after the last one; while locked, the password is not even checked.
  Someone else's failures from elsewhere never lock the real user out.
- Per account from every address (a distributed attack): from SLOW_AFTER failures within
  WINDOW on, each next attempt must wait 2^(n - SLOW_AFTER) seconds (at most MAX_BACKOFF)
  after the latest failure: guessing slows to a crawl, the real user waits seconds.
- Per client address: IP_LIMIT failures within a sliding WINDOW block further logins from
  it (spraying one password over many accounts).
The key is the normalised email whether or not such an account exists, so a lock reveals
nothing. A successful login clears the account's counts. Registrations are limited per
address and globally (REGISTER_*), so taken addresses cannot be enumerated in bulk.
`TooManyAttempts.retry_after_s` (the Retry-After header) is computed from the stored rows.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from needlecare.services.errors import ServiceError
from needlecare.storage.base import utcnow
from needlecare.storage.models import LoginFailure
from needlecare.storage.uow import UnitOfWork

WINDOW = timedelta(minutes=15)
LOCK_AFTER = 10
LOCKOUT = timedelta(minutes=15)
SLOW_AFTER = 2 * LOCK_AFTER
MAX_BACKOFF = timedelta(seconds=60)
IP_LIMIT = 50
REGISTER_WINDOW = timedelta(hours=1)
REGISTER_IP_LIMIT = 10
REGISTER_GLOBAL_LIMIT = 500
RETENTION = timedelta(days=1)  # older rows are deleted as new ones arrive
ACCOUNT, ACCOUNT_IP, IP = "account", "account_ip", "ip"
REGISTER_IP, REGISTER_ALL = "reg_ip", "reg_all"  # scope is at most 10 characters


class TooManyAttempts(ServiceError):
    """Too many failed logins (429); `retry_after_s` says when to try again."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def account_wait(latest: Sequence[datetime], now: datetime) -> float:
    """Seconds the account stays locked, from its latest failures (newest first): locked for
    LOCKOUT after the last of LOCK_AFTER failures that fall within one WINDOW."""
    if len(latest) < LOCK_AFTER or latest[0] - latest[LOCK_AFTER - 1] >= WINDOW:
        return 0.0
    return max(0.0, (latest[0] + LOCKOUT - now).total_seconds())


def backoff_wait(latest: Sequence[datetime], now: datetime) -> float:
    """Seconds before the account may be tried again from anywhere (newest first): nothing
    below SLOW_AFTER failures in a WINDOW, then doubling per failure up to MAX_BACKOFF."""
    recent = [at for at in latest if at > now - WINDOW]
    if len(recent) < SLOW_AFTER:
        return 0.0
    delay = min(MAX_BACKOFF.total_seconds(), 2.0 ** (len(recent) - SLOW_AFTER))
    return max(0.0, (recent[0] - now).total_seconds() + delay)


def _pair(email: str, client_ip: str | None) -> str:
    return hashlib.sha256(f"{email}\n{client_ip or ''}".encode()).hexdigest()


def ip_wait(latest: Sequence[datetime], now: datetime) -> float:
    """Seconds the address stays blocked (newest first): until fewer than IP_LIMIT of its
    failures are left in the sliding WINDOW, i.e. the IP_LIMIT-th newest one ages out."""
    if len(latest) < IP_LIMIT:
        return 0.0
    return max(0.0, (latest[IP_LIMIT - 1] + WINDOW - now).total_seconds())


def _latest(uow: UnitOfWork, scope: str, key: str, since: datetime, n: int) -> list[datetime]:
    return list(
        uow.session.scalars(
            select(LoginFailure.at)
            .where(LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc())
            .limit(n)
        )
    )


def check_login_allowed(uow: UnitOfWork, email: str, client_ip: str | None) -> None:
    """Raise TooManyAttempts if the account is locked from this address, slowed down from
    everywhere, or the client IP is blocked; `retry_after_s` comes from the stored failures
    (the same in every process)."""
    with uow.reading():
        check_login_allowed_in(uow, email, client_ip)


def check_login_allowed_in(uow: UnitOfWork, email: str, client_ip: str | None) -> None:
    """`check_login_allowed` inside the caller's unit of work."""
    now = utcnow()
    since = now - WINDOW - LOCKOUT  # older failures can no longer hold a lock
    pair = _pair(email[:320], client_ip)
    wait = account_wait(_latest(uow, ACCOUNT_IP, pair, since, LOCK_AFTER), now)
    if wait > 0:
        raise TooManyAttempts(
            f"This account is locked for {int(LOCKOUT.total_seconds() // 60)} minutes "
            f"after {LOCK_AFTER} failed logins. Try again in {_minutes(wait)} minutes.",
            math.ceil(wait),
        )
    cap = SLOW_AFTER + int(math.log2(MAX_BACKOFF.total_seconds())) + 1
    wait = backoff_wait(_latest(uow, ACCOUNT, email[:320], now - WINDOW, cap), now)
    if wait > 0:
        raise TooManyAttempts(
            "There were many failed logins for this account. "
            f"Try again in {math.ceil(wait)} seconds.",
            math.ceil(wait),
        )
    if client_ip:
        wait = ip_wait(_latest(uow, IP, client_ip[:320], now - WINDOW, IP_LIMIT), now)
        if wait > 0:
            raise TooManyAttempts(
                f"Too many failed logins from your network. Try again in {_minutes(wait)} minutes.",
                math.ceil(wait),
            )


def record_failure(uow: UnitOfWork, email: str, client_ip: str | None) -> None:
    """Count one failed login (its own transaction: the failed login itself rolls back)."""
    now = utcnow()
    with uow:
        uow.session.add(LoginFailure(scope=ACCOUNT, key=email[:320], at=now))
        uow.session.add(LoginFailure(scope=ACCOUNT_IP, key=_pair(email[:320], client_ip), at=now))
        if client_ip:
            uow.session.add(LoginFailure(scope=IP, key=client_ip[:320], at=now))
        uow.session.execute(delete(LoginFailure).where(LoginFailure.at < now - RETENTION))
        uow.commit()


def clear_account(uow: UnitOfWork, email: str, client_ip: str | None = None) -> None:
    with uow:
        clear_account_in(uow.session, email, client_ip)
        uow.commit()


def clear_account_in(session: Session, email: str, client_ip: str | None = None) -> None:
    """`clear_account` inside the caller's (writing) transaction."""
    session.execute(
        delete(LoginFailure).where(
            (LoginFailure.scope == ACCOUNT) & (LoginFailure.key == email[:320])
            | (LoginFailure.scope == ACCOUNT_IP)
            & (LoginFailure.key == _pair(email[:320], client_ip))
        )
    )


def check_registration_allowed(uow: UnitOfWork, client_ip: str | None) -> None:
    """Count one registration attempt (whatever its outcome) and refuse it past the per-address
    or the global hourly limit: "this email is taken" cannot be asked in bulk."""
    now = utcnow()
    since = now - REGISTER_WINDOW
    with uow:
        session = uow.session
        counts = {
            scope: int(
                session.scalar(
                    select(func.count())
                    .select_from(LoginFailure)
                    .where(LoginFailure.scope == scope, LoginFailure.key == key)
                    .where(LoginFailure.at > since)
                )
                or 0
            )
            for scope, key in ((REGISTER_IP, client_ip or ""), (REGISTER_ALL, ""))
        }
        if (
            counts[REGISTER_IP] >= REGISTER_IP_LIMIT
            or counts[REGISTER_ALL] >= REGISTER_GLOBAL_LIMIT
        ):
            raise TooManyAttempts(
                "Too many sign-ups were tried in the last hour. Try again later.",
                int(REGISTER_WINDOW.total_seconds()),
            )
        session.add(LoginFailure(scope=REGISTER_IP, key=(client_ip or "")[:320], at=now))
        session.add(LoginFailure(scope=REGISTER_ALL, key="", at=now))
        uow.commit()
