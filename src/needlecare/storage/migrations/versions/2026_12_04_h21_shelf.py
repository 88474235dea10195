"""A patient's shelf of products and a clinic's catalogue with barcodes (issue 21).

Revision ID: h21_shelf
Revises: h15b_care_loop
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h21_shelf"
down_revision: str | None = "h15b_care_loop"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shelf_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("inci_text", sa.Text(), nullable=False),
        sa.Column("rinse_off", sa.Boolean(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_shelf_product_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_shelf_product_added_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelf_product")),
    )
    op.create_index(
        op.f("ix_shelf_product_patient_id"), "shelf_product", ["patient_id"], unique=False
    )
    op.create_table(
        "catalogue_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=True),
        sa.Column("inci_text", sa.Text(), nullable=False),
        sa.Column("rinse_off", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_catalogue_product_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_product")),
    )
    op.create_index(
        op.f("ix_catalogue_product_clinic_id"), "catalogue_product", ["clinic_id"], unique=False
    )
    op.create_index(
        op.f("ix_catalogue_product_barcode"), "catalogue_product", ["barcode"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_catalogue_product_barcode"), table_name="catalogue_product")
    op.drop_index(op.f("ix_catalogue_product_clinic_id"), table_name="catalogue_product")
    op.drop_table("catalogue_product")
    op.drop_index(op.f("ix_shelf_product_patient_id"), table_name="shelf_product")
    op.drop_table("shelf_product")
