"""The audit log: append-only (database triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, UTCDateTime, utcnow

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
AuditId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        # (clinic, at, id): the audit page's filters and its cursor paging walk this index.
        Index("ix_audit_log_clinic_id_at_id", "clinic_id", "at", "id"),
        # The action and person filters' own walks, newest first (services.audit_log).
        Index("ix_audit_log_clinic_id_action_at_id", "clinic_id", "action", "at", "id"),
        Index("ix_audit_log_actor_user_id_at_id", "actor_user_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(AuditId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # NULL actor: an anonymous request (e.g. accepting an invitation) or the system (seed).
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
