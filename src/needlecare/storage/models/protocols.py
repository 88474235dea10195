"""Clinic protocols: versioned documents (issue 8). A version is never updated in place; the
clinic's protocol in force is its latest version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, JSONDocument, UTCDateTime, utcnow


class ClinicProtocol(Base):
    """One saved version of a clinic's aftercare protocol (schema: guide protocols.schema)."""

    __tablename__ = "clinic_protocol"
    __table_args__ = (UniqueConstraint("clinic_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    version: Mapped[int]
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
