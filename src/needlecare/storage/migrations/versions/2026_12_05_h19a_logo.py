"""A clinic's logo (issue 19): clinic.logo_sha256 and the clinic_logo table (a clean PNG).

Revision ID: h19a_logo
Revises: h20b_outcome_operator
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h19a_logo"
down_revision: str | None = "h20b_outcome_operator"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of clinic would break the foreign keys to it.
    op.add_column("clinic", sa.Column("logo_sha256", sa.String(length=64), nullable=True))
    op.create_table(
        "clinic_logo",
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_clinic_logo_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_clinic_logo")),
    )


def downgrade() -> None:
    op.drop_table("clinic_logo")
    op.execute("ALTER TABLE clinic DROP COLUMN logo_sha256")
