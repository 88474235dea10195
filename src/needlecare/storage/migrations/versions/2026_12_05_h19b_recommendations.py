"""Recommendations checked against the recovery (issue 19): the day a product is recommended
from, and whether the clinician confirmed it despite an "avoid" verdict on those days.

Revision ID: h19b_recommendations
Revises: h22_language
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h19b_recommendations"
down_revision: str | None = "h22_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of `recommendation` would break foreign keys.
    op.add_column("recommendation", sa.Column("from_day", sa.Integer(), nullable=True))
    op.add_column(
        "recommendation",
        sa.Column("avoid_acknowledged", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE recommendation DROP COLUMN avoid_acknowledged")
    op.execute("ALTER TABLE recommendation DROP COLUMN from_day")
