"""The clinic's time zone gets its own home, `clinic.timezone` (issue 19): the settings form
wrote it into the reminder schedule's row, so a clinic's clock for its pages lived in a
reminder setting. Copied from `clinic_reminder_settings.timezone`, which goes.

Plain ALTER TABLE on both databases (SQLite >= 3.35 drops a plain column in place; a batch
table copy would break the foreign keys that point at it).

Revision ID: h19_clinic_timezone
Revises: h20_audit
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h19_clinic_timezone"
down_revision: str | None = "h20_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("clinic", sa.Column("timezone", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE clinic SET timezone = (SELECT s.timezone FROM clinic_reminder_settings s"
        " WHERE s.clinic_id = clinic.id)"
    )
    op.execute("ALTER TABLE clinic_reminder_settings DROP COLUMN timezone")


def downgrade() -> None:
    op.add_column(
        "clinic_reminder_settings",
        sa.Column("timezone", sa.String(length=64), nullable=False, server_default="UTC"),
    )
    op.execute(
        "UPDATE clinic_reminder_settings SET timezone = COALESCE((SELECT c.timezone FROM clinic c"
        " WHERE c.id = clinic_reminder_settings.clinic_id), 'UTC')"
    )
    op.execute("ALTER TABLE clinic DROP COLUMN timezone")
