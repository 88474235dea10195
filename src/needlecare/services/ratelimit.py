"""Login rate limit and account lockout, counted in the database (shared by every app server).

Per account: LOCK_AFTER failures within WINDOW lock the account for LOCKOUT after the last one;
while locked, the password is not even checked (so guessing gains nothing). The key is the
normalised email whether or not such an account exists, so a lock reveals nothing.
Per client IP: IP_LIMIT failures within a sliding WINDOW block further logins from that address
(spraying one password over many accounts). A successful login clears the account's count.
`TooManyAttempts.retry_after_s` (the Retry-After header) is computed from the stored failures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from needlecare.services.errors import ServiceError
from needlecare.storage.base import utcnow
from needlecare.storage.models import LoginFailure
from needlecare.storage.uow import UnitOfWork

WINDOW = timedelta(minutes=15)
LOCK_AFTER = 10
LOCKOUT = timedelta(minutes=15)
IP_LIMIT = 50
RETENTION = timedelta(days=1)  # older failures are deleted as new ones arrive
ACCOUNT, IP = "account", "ip"


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
    """Raise TooManyAttempts if the account is locked or the client IP is blocked; its
    `retry_after_s` comes from the stored failures (the same in every process)."""
    now = utcnow()
    with uow.reading():
        since = now - WINDOW - LOCKOUT  # older failures can no longer hold a lock
        wait = account_wait(_latest(uow, ACCOUNT, email[:320], since, LOCK_AFTER), now)
        if wait > 0:
            raise TooManyAttempts(
                f"This account is locked for {int(LOCKOUT.total_seconds() // 60)} minutes "
                f"after {LOCK_AFTER} failed logins. Try again in {_minutes(wait)} minutes.",
                math.ceil(wait),
            )
        if client_ip:
            wait = ip_wait(_latest(uow, IP, client_ip[:320], now - WINDOW, IP_LIMIT), now)
            if wait > 0:
                raise TooManyAttempts(
                    "Too many failed logins from your network. "
                    f"Try again in {_minutes(wait)} minutes.",
                    math.ceil(wait),
                )


def record_failure(uow: UnitOfWork, email: str, client_ip: str | None) -> None:
    """Count one failed login (its own transaction: the failed login itself rolls back)."""
    now = utcnow()
    with uow:
        uow.session.add(LoginFailure(scope=ACCOUNT, key=email[:320], at=now))
        if client_ip:
            uow.session.add(LoginFailure(scope=IP, key=client_ip[:320], at=now))
        uow.session.execute(delete(LoginFailure).where(LoginFailure.at < now - RETENTION))
        uow.commit()


def clear_account(uow: UnitOfWork, email: str) -> None:
    with uow:
        uow.session.execute(
            delete(LoginFailure).where(
                LoginFailure.scope == ACCOUNT, LoginFailure.key == email[:320]
            )
        )
        uow.commit()
