"""Failed logins, kept in the database so that every app server process counts the same ones
(an in-memory counter would let an attacker spread guesses over processes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, UTCDateTime, utcnow


class LoginFailure(Base):
    """One failed login or sign-up attempt; `scope` and `key`: see services.ratelimit."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
