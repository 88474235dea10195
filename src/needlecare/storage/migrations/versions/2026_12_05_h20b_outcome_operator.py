"""The outcome summary keeps the treatment as recorded now: its operator (the clinic's own
words, added to treatments by h19b) beside its depth band and device, which a correction of
the record now updates too. Filled here from the treatments as they are.

Revision ID: h20b_outcome_operator
Revises: h20a_worker
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from needlecare.outcomes.summary import band_of

revision: str = "h20b_outcome_operator"
down_revision: str | None = "h20a_worker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
BATCH = 5000


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table on SQLite: foreign keys stay intact).
    op.add_column("outcome_treatment", sa.Column("operator", sa.String(length=200)))
    summary = sa.table(
        "outcome_treatment",
        sa.column("treatment_id", sa.Integer),
        sa.column("band", sa.String),
        sa.column("device", sa.String),
        sa.column("operator", sa.String),
    )
    treatment = sa.table(
        "treatment",
        sa.column("id", sa.Integer),
        sa.column("depth_mm", sa.Float),
        sa.column("device", sa.String),
        sa.column("operator", sa.String),
    )
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(
            sa.select(
                treatment.c.id,
                treatment.c.depth_mm,
                treatment.c.device,
                treatment.c.operator,
                summary.c.band,
                summary.c.device,
            )
            .join(summary, summary.c.treatment_id == treatment.c.id)
            .where(treatment.c.id > after)
            .order_by(treatment.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for tid, depth, device, operator, band, kept_device in rows:
            new_band = band_of(depth, device)
            if operator is not None or new_band != band or device != kept_device:
                connection.execute(
                    sa.update(summary)
                    .where(summary.c.treatment_id == tid)
                    .values(band=new_band, device=device, operator=operator)
                )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("outcome_treatment") as batch:
        batch.drop_column("operator")
