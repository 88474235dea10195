"""The outcomes' reads of outcome_treatment from their own indexes: the breakdowns' groups
(clinic, band, device, operator, Fitzpatrick type, worst level, complication) and the
breakout spans (clinic, first and last breakout day), each read in index order without
table lookups or a sort. They replace the clinic_id index (their first column).

Revision ID: h20_outcome_groups
Revises: h20_outcome_day_count
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "h20_outcome_groups"
down_revision: str | None = "h20_outcome_day_count"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUPS = ["clinic_id", "band", "device", "operator", "fitzpatrick", "worst_rank", "complication"]


def upgrade() -> None:
    op.create_index("ix_outcome_treatment_groups", "outcome_treatment", _GROUPS)
    op.create_index(
        "ix_outcome_treatment_breakouts",
        "outcome_treatment",
        ["clinic_id", "breakout_first_day", "breakout_last_day"],
    )
    op.drop_index(op.f("ix_outcome_treatment_clinic_id"), table_name="outcome_treatment")


def downgrade() -> None:
    op.create_index(op.f("ix_outcome_treatment_clinic_id"), "outcome_treatment", ["clinic_id"])
    op.drop_index("ix_outcome_treatment_breakouts", table_name="outcome_treatment")
    op.drop_index("ix_outcome_treatment_groups", table_name="outcome_treatment")
