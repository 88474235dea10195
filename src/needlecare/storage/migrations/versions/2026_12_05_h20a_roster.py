"""The roster's summary columns on patient (kept in the check-in's transaction) and the
indexes of the clinic pages' own access paths (issue 20).

Revision ID: h20a_roster
Revises: h20b_outcomes
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h20a_roster"
down_revision: str | None = "h20b_outcomes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each patient's summary from their rows (constant SQL, both dialects).
_BACKFILL = """
UPDATE patient SET
  last_checkin_at = (SELECT c.created_at FROM checkin c WHERE c.patient_id = patient.id
                     ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
  last_checkin_day = (SELECT c.day FROM checkin c WHERE c.patient_id = patient.id
                      ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
  last_level = (SELECT c.level FROM checkin c WHERE c.patient_id = patient.id
                ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
  last_treatment_date = (SELECT max(t.treatment_date) FROM treatment t
                         WHERE t.patient_id = patient.id),
  open_alerts = (SELECT count(*) FROM alert a
                 WHERE a.patient_id = patient.id AND a.state <> 'resolved'),
  attention = COALESCE((SELECT max(CASE a.level WHEN 'urgent' THEN 3
                                   WHEN 'contact_clinic' THEN 2 ELSE 1 END) FROM alert a
                        WHERE a.patient_id = patient.id AND a.state <> 'resolved'), 0)
"""


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy: that would break the foreign keys on SQLite).
    op.add_column("patient", sa.Column("last_checkin_at", sa.DateTime(timezone=True)))
    op.add_column("patient", sa.Column("last_checkin_day", sa.Integer()))
    op.add_column("patient", sa.Column("last_level", sa.String(length=20)))
    op.add_column("patient", sa.Column("last_treatment_date", sa.Date()))
    op.add_column(
        "patient", sa.Column("open_alerts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "patient", sa.Column("attention", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("patient", sa.Column("last_activity_at", sa.DateTime(timezone=True)))
    op.execute(_BACKFILL)
    op.execute("UPDATE patient SET last_activity_at = COALESCE(last_checkin_at, created_at)")
    op.create_index(
        "ix_patient_roster", "patient", ["clinic_id", "attention", "last_activity_at", "id"]
    )
    op.create_index("ix_treatment_treatment_date", "treatment", ["treatment_date"])
    # The audit page reads a clinic's newest rows by id.
    op.create_index("ix_audit_log_clinic_id_id", "audit_log", ["clinic_id", "id"])
    # The alert queue's missed check-ins: a clinic's recent events of one kind.
    op.create_index(
        "ix_reminder_event_clinic_id_kind_due_at",
        "reminder_event",
        ["clinic_id", "kind", "due_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_event_clinic_id_kind_due_at", table_name="reminder_event")
    op.drop_index("ix_audit_log_clinic_id_id", table_name="audit_log")
    op.drop_index("ix_treatment_treatment_date", table_name="treatment")
    op.drop_index("ix_patient_roster", table_name="patient")
    for column in (
        "last_activity_at",
        "attention",
        "open_alerts",
        "last_treatment_date",
        "last_level",
        "last_checkin_day",
        "last_checkin_at",
    ):
        op.drop_column("patient", column)
