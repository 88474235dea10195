"""The findings that raised an alert, kept on the alert (the queue no longer reads them out
of each check-in's stored triage result).

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


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(
            sa.Column("findings", JSON_DOCUMENT, nullable=False, server_default=sa.text("'[]'"))
        )
    # Existing alerts: their check-in's findings (check-ins are never edited).
    alert = sa.table(
        "alert",
        sa.column("id", sa.Integer),
        sa.column("checkin_id", sa.Integer),
        sa.column("findings", JSON_DOCUMENT),
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
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("findings")
