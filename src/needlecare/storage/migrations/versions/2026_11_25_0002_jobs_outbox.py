"""Jobs: email outbox, reminder events (one per treatment, day and kind), pauses, settings.

Revision ID: 0002_jobs_outbox
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_jobs_outbox"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum("messagekind", "checkin_alert", "reminder", "missed_checkin"),
            nullable=False,
        ),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            _enum("outboxstatus", "pending", "sending", "sent", "failed", "cancelled"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at"),
        sa.Column("claim_token", sa.String(length=40), nullable=True),
        _when("claimed_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _when("created_at"),
        _when("sent_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_outbox_message_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_outbox_message_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_message_dedupe_key")),
    )
    op.create_index(op.f("ix_outbox_message_clinic_id"), "outbox_message", ["clinic_id"])
    op.create_index(op.f("ix_outbox_message_patient_id"), "outbox_message", ["patient_id"])
    op.create_index(
        "ix_outbox_message_status_next_attempt_at", "outbox_message", ["status", "next_attempt_at"]
    )

    op.create_table(
        "reminder_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("eventkind", "reminder", "missed_checkin"), nullable=False),
        _when("due_at"),
        sa.Column(
            "outcome",
            _enum(
                "eventoutcome",
                "queued",
                "already_checked_in",
                "late",
                "paused",
                "no_recipient",
                "suppressed",
            ),
            nullable=False,
        ),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_reminder_event_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_reminder_event_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_reminder_event_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_event")),
        sa.UniqueConstraint(
            "treatment_id",
            "due_day",
            "kind",
            name=op.f("uq_reminder_event_treatment_id_due_day_kind"),
        ),
    )
    op.create_index(op.f("ix_reminder_event_clinic_id"), "reminder_event", ["clinic_id"])
    op.create_index(op.f("ix_reminder_event_patient_id"), "reminder_event", ["patient_id"])

    op.create_table(
        "reminder_pause",
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        _when("paused_at"),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_reminder_pause_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("treatment_id", name=op.f("pk_reminder_pause")),
    )

    op.create_table(
        "clinic_reminder_settings",
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("day_offsets", JSON, nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("grace_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinic.id"],
            name=op.f("fk_clinic_reminder_settings_clinic_id_clinic"),
        ),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_clinic_reminder_settings")),
    )

    op.create_table(
        "patient_reminder_settings",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("local_time", sa.String(length=5), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_patient_reminder_settings_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_patient_reminder_settings")),
    )


def downgrade() -> None:
    op.drop_table("patient_reminder_settings")
    op.drop_table("clinic_reminder_settings")
    op.drop_table("reminder_pause")
    op.drop_index(op.f("ix_reminder_event_patient_id"), table_name="reminder_event")
    op.drop_index(op.f("ix_reminder_event_clinic_id"), table_name="reminder_event")
    op.drop_table("reminder_event")
    op.drop_index("ix_outbox_message_status_next_attempt_at", table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_patient_id"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_clinic_id"), table_name="outbox_message")
    op.drop_table("outbox_message")
