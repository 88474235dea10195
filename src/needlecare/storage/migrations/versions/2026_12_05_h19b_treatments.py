"""Treatments recorded by the clinic (issue 19): operator, notes and the planned next
session on the treatment, and `treatment_revision`, every version of a treatment record.

Revision ID: h19b_treatments
Revises: h19a_accounts
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "h19b_treatments"
down_revision: str | None = "h19a_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of `treatment` would drop a table others refer to.
    op.add_column("treatment", sa.Column("operator", sa.String(length=200), nullable=True))
    op.add_column("treatment", sa.Column("notes", sa.Text(), nullable=True))
    op.add_column("treatment", sa.Column("next_session_date", sa.Date(), nullable=True))
    op.create_table(
        "treatment_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("record", JSON, nullable=False),
        sa.Column("changed_fields", JSON, nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_treatment_revision_treatment_id_treatment"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["user_account.id"],
            name=op.f("fk_treatment_revision_changed_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_revision")),
        sa.UniqueConstraint(
            "treatment_id", "revision", name=op.f("uq_treatment_revision_treatment_id_revision")
        ),
    )
    op.create_index(
        op.f("ix_treatment_revision_treatment_id"),
        "treatment_revision",
        ["treatment_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_treatment_revision_treatment_id"), table_name="treatment_revision")
    op.drop_table("treatment_revision")
    op.execute("ALTER TABLE treatment DROP COLUMN next_session_date")
    op.execute("ALTER TABLE treatment DROP COLUMN notes")
    op.execute("ALTER TABLE treatment DROP COLUMN operator")
