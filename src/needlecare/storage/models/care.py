"""Patient data: treatments, check-ins with their triage, alerts, notes, recommendations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, JSONDocument, UTCDateTime, utcnow
from needlecare.storage.enums import AlertState, Device, Level
from needlecare.storage.models._columns import str_enum

WOKEN = datetime(1970, 1, 1, tzinfo=UTC)  # a treatment the worker should look at now


class Treatment(Base):
    __tablename__ = "treatment"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    # Indexed: the worker's pass and the roster's filter read treatments by date.
    treatment_date: Mapped[date] = mapped_column(Date, index=True)
    depth_mm: Mapped[float] = mapped_column(Float)
    device: Mapped[Device] = mapped_column(str_enum(Device))
    areas: Mapped[list[str]] = mapped_column(JSONDocument)
    fitzpatrick: Mapped[int | None]
    serum: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Recorded by the clinic: who performed the session and their notes (staff only).
    operator: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # The next session the clinic plans after this one (both sides see it).
    next_session_date: Mapped[date | None] = mapped_column(Date)
    # When the worker's pass should look at this treatment next (NULL: never again): set by
    # the pass from its moments; WOKEN (due whatever the clock) for a new treatment and by
    # whatever changes its moments (services.schedule_wake).
    schedule_next_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), default=WOKEN, index=True
    )


class TreatmentRevision(Base):
    """Every version of a treatment record, the first one included: what it said after each
    change, who changed it and when (the audit log says that it changed; this says how)."""

    __tablename__ = "treatment_revision"
    __table_args__ = (UniqueConstraint("treatment_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    revision: Mapped[int]
    record: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    changed_fields: Mapped[list[str]] = mapped_column(JSONDocument)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Checkin(Base):
    """One daily check-in: the exact triage input and the engine's result, stored together."""

    __tablename__ = "checkin"
    __table_args__ = (
        UniqueConstraint("patient_id", "idempotency_key"),
        Index("ix_checkin_patient_id_created_at", "patient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    day: Mapped[int]
    level: Mapped[Level] = mapped_column(str_enum(Level))
    phase: Mapped[str] = mapped_column(String(100))
    triage_input: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    triage_result: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # The clinic protocol version whose windows the result used (NULL: the defaults).
    protocol_version: Mapped[int | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Alert(Base):
    """Raised by an urgent or contact_clinic check-in: open -> acknowledged -> resolved."""

    __tablename__ = "alert"
    # The queue's filter and sort keys: its page is found in the index alone.
    __table_args__ = (
        Index("ix_alert_queue", "clinic_id", "state", "level", "created_at", "id"),
        # The outcomes page's times to acknowledge and resolve, read from the index alone.
        Index(
            "ix_alert_outcome", "clinic_id", "level", "created_at", "acknowledged_at", "resolved_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkin.id"), unique=True)
    level: Mapped[Level] = mapped_column(str_enum(Level))
    state: Mapped[AlertState] = mapped_column(str_enum(AlertState), default=AlertState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # Why it was raised: the check-in's findings, copied when the alert is (the queue shows
    # them; reading them out of each check-in's stored result cost more than the queue).
    # Plain JSON, also on PostgreSQL: shown, never searched, so stored and sent back as
    # written (jsonb is parsed on the way in and printed again on every read).
    findings: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Set (once, by the worker that won the claim) when the overdue email was queued.
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AlertQueueEntry(Base):
    """The alert queue's row for a patient with an unresolved alert: its sort keys, kept in
    the transaction of whatever changes the patient's alerts (services.queue_entries). The
    queue's page is a short walk of this table's index in the queue's order, whatever the
    size of the open queue."""

    __tablename__ = "alert_queue_entry"
    __table_args__ = (
        Index(
            "ix_alert_queue_entry_order",
            "clinic_id",
            "waiting",
            "level_rank",
            "lead_at",
            "patient_id",
        ),
    )

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    waiting: Mapped[int]  # 1: an alert nobody has acknowledged yet
    level_rank: Mapped[int]  # Level.rank of the highest unresolved alert
    lead_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the newest at that level
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Message(Base):
    """One message of the thread between a patient and their clinic (optionally about an
    alert). `read_at`: when the other side first opened it."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_patient_id_created_at", "patient_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    from_clinic: Mapped[bool]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClinicalNote(Base):
    __tablename__ = "clinical_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Recommendation(Base):
    """A product the professional recommends, with its INCI list as printed."""

    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    product_name: Mapped[str] = mapped_column(String(200))
    inci_text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The recovery day it is recommended from (NULL: from the day it was recommended).
    from_day: Mapped[int | None]
    # The checker said "avoid" on some of those days and the clinician confirmed it anyway.
    avoid_acknowledged: Mapped[bool] = mapped_column(default=False, server_default=false())
