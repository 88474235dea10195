"""The label photo a patient keeps with a shelf product (issue 21): shelf_photo, a clean JPEG.

Revision ID: h21_shelf_photo
Revises: h19a_logo
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h21_shelf_photo"
down_revision: str | None = "h19a_logo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shelf_photo",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["shelf_product.id"],
            name=op.f("fk_shelf_photo_product_id_shelf_product"),
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_shelf_photo")),
    )


def downgrade() -> None:
    op.drop_table("shelf_photo")
