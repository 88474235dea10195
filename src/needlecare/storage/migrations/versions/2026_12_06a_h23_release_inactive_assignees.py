"""Alerts assigned to a deactivated staff member go back to the queue (outside tester, round 3).

Deactivating a colleague now unassigns their unresolved alerts (services.staff). Alerts
assigned before that change to someone since deactivated waited for a login that can no
longer act, while the queue's assign box showed "Nobody": they are unassigned here, and each
affected queue row takes its assignee again from the patient's unresolved alerts (as
services.queue_entries computes it). Plain UPDATEs, the same on SQLite and PostgreSQL; no
schema change, so the downgrade has nothing to undo (who was assigned is not restored).

Revision ID: h23_release_inactive_assignees
Revises: h21_shelf_name_key
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h23_release_inactive_assignees"
down_revision: str | None = "h21_shelf_name_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE alert SET assigned_to = NULL WHERE state IN ('open', 'acknowledged')"
            " AND assigned_to IN (SELECT id FROM user_account WHERE NOT is_active)"
        )
    )
    connection.execute(
        sa.text(
            "UPDATE alert_queue_entry SET assigned_to = ("
            " SELECT a.assigned_to FROM alert a"
            " WHERE a.patient_id = alert_queue_entry.patient_id"
            " AND a.state IN ('open', 'acknowledged') AND a.assigned_to IS NOT NULL"
            " ORDER BY a.created_at DESC, a.id DESC LIMIT 1"
            ") WHERE assigned_to IN (SELECT id FROM user_account WHERE NOT is_active)"
        )
    )


def downgrade() -> None:
    """Nothing to undo: no schema change, and an assignment to a login that cannot act is
    not worth restoring."""
