"""The alert queue's summary: one row per patient with an unresolved alert (any waiting for
acknowledgement, the highest level's rank, the newest alert at that level, the assignee),
kept by services.queue_entries in the transaction of every change to the patient's alerts;
the queue's page walks its (clinic_id, waiting, level_rank, lead_at, patient_id) index
instead of grouping the clinic's whole open queue. Filled here from the unresolved alerts.
The missed check-ins' index gains the patient (their tie-break in the queue's order).

Revision ID: h20_alert_queue
Revises: h19_clinic_timezone
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h20_alert_queue"
down_revision: str | None = "h19_clinic_timezone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Level.rank: expected 0, monitor 1, contact_clinic 2, urgent 3; unresolved: open or
# acknowledged. Written out (no string building): the statement is fixed.
_FILL = """
INSERT INTO alert_queue_entry (patient_id, clinic_id, waiting, level_rank, lead_at, assigned_to)
SELECT t.patient_id, t.clinic_id, t.waiting, t.level_rank,
  (SELECT max(a.created_at) FROM alert a
   WHERE a.patient_id = t.patient_id AND a.state IN ('open', 'acknowledged')
     AND CASE a.level WHEN 'monitor' THEN 1 WHEN 'contact_clinic' THEN 2
         WHEN 'urgent' THEN 3 ELSE 0 END = t.level_rank),
  (SELECT a.assigned_to FROM alert a
   WHERE a.patient_id = t.patient_id AND a.state IN ('open', 'acknowledged')
     AND a.assigned_to IS NOT NULL
   ORDER BY a.created_at DESC, a.id DESC LIMIT 1)
FROM (
  SELECT patient_id, min(clinic_id) AS clinic_id,
    max(CASE WHEN state = 'open' THEN 1 ELSE 0 END) AS waiting,
    max(CASE level WHEN 'monitor' THEN 1 WHEN 'contact_clinic' THEN 2
        WHEN 'urgent' THEN 3 ELSE 0 END) AS level_rank
  FROM alert WHERE state IN ('open', 'acknowledged') GROUP BY patient_id
) t
"""


def upgrade() -> None:
    op.create_table(
        "alert_queue_entry",
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patient.id"), primary_key=True),
        sa.Column("clinic_id", sa.Integer(), sa.ForeignKey("clinic.id"), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("level_rank", sa.Integer(), nullable=False),
        sa.Column("lead_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_to", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
    )
    op.create_index(
        "ix_alert_queue_entry_order",
        "alert_queue_entry",
        ["clinic_id", "waiting", "level_rank", "lead_at", "patient_id"],
    )
    op.execute(_FILL)
    # The missed check-ins' walk in the queue's order: the patient breaks ties in the index.
    op.create_index(
        "ix_reminder_event_clinic_kind_due_patient",
        "reminder_event",
        ["clinic_id", "kind", "due_at", "patient_id"],
    )
    op.drop_index("ix_reminder_event_clinic_id_kind_due_at", table_name="reminder_event")


def downgrade() -> None:
    op.create_index(
        "ix_reminder_event_clinic_id_kind_due_at", "reminder_event", ["clinic_id", "kind", "due_at"]
    )
    op.drop_index("ix_reminder_event_clinic_kind_due_patient", table_name="reminder_event")
    op.drop_index("ix_alert_queue_entry_order", table_name="alert_queue_entry")
    op.drop_table("alert_queue_entry")
