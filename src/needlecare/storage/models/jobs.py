"""Background work: the email outbox, reminder schedule state, pauses and reminder settings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, JSONDocument, UTCDateTime, utcnow
from needlecare.storage.models._columns import str_enum


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker (a stale claim is taken over after a lease)
    SENT = "sent"
    FAILED = "failed"  # permanently: a 5xx for the recipient, or out of attempts
    CANCELLED = "cancelled"  # no longer wanted (reminders paused, subject deleted)


class MessageKind(StrEnum):
    CHECKIN_ALERT = "checkin_alert"  # to clinic staff: a contact_clinic/urgent check-in
    REMINDER = "reminder"  # to the patient: time for the daily check-in
    MISSED_CHECKIN = "missed_checkin"  # to clinic staff: a due check-in did not come
    CLINIC_MESSAGE = "clinic_message"  # to the patient: the clinic wrote to them
    URGENT_OVERDUE = "urgent_overdue"  # to the admins: an urgent alert waits unacknowledged
    PRODUCT_BACK = "product_back"  # to the patient: a product on their shelf may come back
    PASSWORD_RESET = "password_reset"  # noqa: S105  (to a login: the link to set a new password)
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  (to a login: its password was changed)


class EventKind(StrEnum):
    REMINDER = "reminder"
    MISSED_CHECKIN = "missed_checkin"
    PRODUCT_BACK = "product_back"


class EventOutcome(StrEnum):
    """What the worker did when a scheduled moment came (one row per treatment/day/kind)."""

    QUEUED = "queued"  # an email went to the outbox
    ALREADY_CHECKED_IN = "already_checked_in"
    LATE = "late"  # the worker saw it too late for a reminder to make sense
    PAUSED = "paused"
    NO_RECIPIENT = "no_recipient"
    SUPPRESSED = "suppressed"  # missed check-in while an earlier miss is still unanswered


class OutboxMessage(Base):
    """One email to one recipient, written in the transaction of the event that causes it.

    The body is rendered when sent, from `payload` (ids only: no health data sits here)."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    # The event and recipient it stands for: the same event never queues a second copy.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReminderEvent(Base):
    """A scheduled moment of a treatment that the worker has handled, exactly once."""

    __tablename__ = "reminder_event"
    __table_args__ = (
        UniqueConstraint("treatment_id", "due_day", "kind"),
        # The outcomes page counts a clinic's missed check-ins (and their treatments) here.
        Index("ix_reminder_event_clinic_kind", "clinic_id", "kind", "treatment_id"),
        # The alert queue's missed check-ins: a clinic's recent events of one kind, in the
        # queue's order (newest due first, the patient breaking ties).
        Index(
            "ix_reminder_event_clinic_kind_due_patient", "clinic_id", "kind", "due_at", "patient_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    due_day: Mapped[int]
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[EventOutcome] = mapped_column(str_enum(EventOutcome))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderPause(Base):
    """Reminders for this treatment are paused (e.g. from the link in a reminder email)."""

    __tablename__ = "reminder_pause"

    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), primary_key=True)
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(40))


class ClinicReminderSettings(Base):
    """A clinic's reminder schedule; a clinic without a row uses the defaults."""

    __tablename__ = "clinic_reminder_settings"

    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    day_offsets: Mapped[list[int]] = mapped_column(JSONDocument)
    local_time: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    # The zone is the clinic's own (clinic.timezone), not a reminder setting.
    grace_hours: Mapped[int] = mapped_column(default=24)


class PatientReminderSettings(Base):
    """Where the patient lives (IANA time zone): reminders follow their local clock."""

    __tablename__ = "patient_reminder_settings"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), primary_key=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    local_time: Mapped[str | None] = mapped_column(String(5))
