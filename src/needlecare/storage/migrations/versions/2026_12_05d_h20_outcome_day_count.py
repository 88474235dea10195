"""The by-day outcomes' counts: per clinic, day since treatment and worst level, how many
treatments (services.outcome_rows keeps them with outcome_day in each check-in's
transaction), so the outcomes page reads a few dozen rows instead of every treatment-day of
the clinic. Filled here from outcome_day; outcome_day's (clinic_id, day, worst_rank) index,
which only that read used, goes (one index less to write per check-in).

Revision ID: h20_outcome_day_count
Revises: h20_alert_queue
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h20_outcome_day_count"
down_revision: str | None = "h20_alert_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FILL = """
INSERT INTO outcome_day_count (clinic_id, day, worst_rank, treatments)
SELECT clinic_id, day, worst_rank, count(*) FROM outcome_day
GROUP BY clinic_id, day, worst_rank
"""


def upgrade() -> None:
    op.create_table(
        "outcome_day_count",
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("worst_rank", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("treatments", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_outcome_day_count_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint(
            "clinic_id", "day", "worst_rank", name=op.f("pk_outcome_day_count")
        ),
    )
    op.execute(_FILL)
    op.drop_index("ix_outcome_day_clinic_day", table_name="outcome_day")


def downgrade() -> None:
    op.create_index("ix_outcome_day_clinic_day", "outcome_day", ["clinic_id", "day", "worst_rank"])
    op.drop_table("outcome_day_count")
