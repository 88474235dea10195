"""When the worker should look at a treatment next (its pass reads only the treatments due,
issue 20). Every existing treatment is due at once: the first pass works out the rest.

Revision ID: h20a_worker
Revises: h19b_recommendations
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h20a_worker"
down_revision: str | None = "h19b_recommendations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("treatment", sa.Column("schedule_next_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE treatment SET schedule_next_at = created_at")  # any past time: due
    op.create_index("ix_treatment_schedule_next_at", "treatment", ["schedule_next_at"])


def downgrade() -> None:
    op.drop_index("ix_treatment_schedule_next_at", table_name="treatment")
    op.drop_column("treatment", "schedule_next_at")
