"""Login rate limit and account lockout, counted in the database (shared by every app server).

Per account: LOCK_AFTER failures within WINDOW lock the account for LOCKOUT after the last one;
while locked, the password is not even checked (so guessing gains nothing).
Per client IP: IP_LIMIT failures within WINDOW block further logins from that address
(spraying one password over many accounts). A successful login clears the account's count.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

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


def _recent(uow: UnitOfWork, scope: str, key: str, now: datetime) -> tuple[int, datetime | None]:
    count, last = uow.session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at > now - WINDOW
        )
    ).one()
    return int(count), last


def check_login_allowed(uow: UnitOfWork, email: str, client_ip: str | None) -> None:
    """Raise TooManyAttempts if the account is locked or the client IP is blocked."""
    now = utcnow()
    with uow.reading():
        count, last = _recent(uow, ACCOUNT, email[:320], now)
        if count >= LOCK_AFTER and last is not None:
            wait = (last + LOCKOUT - now).total_seconds()
            if wait > 0:
                raise TooManyAttempts(
                    f"This account is locked for {int(LOCKOUT.total_seconds() // 60)} minutes "
                    f"after {LOCK_AFTER} failed logins. Try again in {_minutes(wait)} minutes.",
                    math.ceil(wait),
                )
        if client_ip:
            count, last = _recent(uow, IP, client_ip[:320], now)
            if count >= IP_LIMIT and last is not None:
                wait = (last + WINDOW - now).total_seconds()
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
