"""The findings that raised an alert, kept on the alert (the queue no longer reads them out
of each check-in's stored triage result), and an index that holds the queue's sort keys (its
page is found without reading the alert rows).

Revision ID: 0006_alert_findings
Revises: 0005_login_failures
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_alert_findings"
down_revision: str | None = "0005_login_failures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# Shown, never searched: plain JSON (stored and sent back as written; jsonb would be parsed
# on the way in and printed again on the way out, for every alert of every queue read).
SHOWN_JSON = sa.JSON()


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(
            sa.Column("findings", SHOWN_JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    op.drop_index("ix_alert_clinic_id_state", table_name="alert")
    op.create_index("ix_alert_queue", "alert", ["clinic_id", "state", "level", "created_at", "id"])
    # Existing alerts: their check-in's findings (check-ins are never edited).
    alert = sa.table(
        "alert",
        sa.column("id", sa.Integer),
        sa.column("checkin_id", sa.Integer),
        sa.column("findings", SHOWN_JSON),
    )
    checkin = sa.table(
        "checkin", sa.column("id", sa.Integer), sa.column("triage_result", JSON_DOCUMENT)
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(alert.c.id, checkin.c.triage_result).join(
            checkin, checkin.c.id == alert.c.checkin_id
        )
    ).all()
    for alert_id, result in rows:
        findings = (result or {}).get("findings", []) if isinstance(result, dict) else []
        connection.execute(sa.update(alert).where(alert.c.id == alert_id).values(findings=findings))


def downgrade() -> None:
    op.drop_index("ix_alert_queue", table_name="alert")
    op.create_index("ix_alert_clinic_id_state", "alert", ["clinic_id", "state"])
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("findings")
