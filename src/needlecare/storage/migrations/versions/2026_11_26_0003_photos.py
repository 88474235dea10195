"""Photos: sanitised skin photos with their measurement, per patient and treatment.

Revision ID: 0003_photos
Revises: 0004_protocols
Create Date: 2026-11-26

Chained after 0004_protocols, which was already the head when this was written (it
revises 0002_jobs_outbox); one line of revisions, no branch.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_photos"
down_revision: str | None = "0004_protocols"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("image_path", sa.String(length=200), nullable=False),
        sa.Column("thumb_path", sa.String(length=200), nullable=False),
        sa.Column("overlay_path", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        _when("taken_at"),
        _when("uploaded_at"),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("analysis", JSON, nullable=False),
        sa.Column("roi", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkin.id"], name=op.f("fk_photo_checkin_id_checkin")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_photo_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_photo_treatment_id_treatment")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["user_account.id"], name=op.f("fk_photo_uploaded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo")),
        sa.UniqueConstraint("patient_id", "sha256", name=op.f("uq_photo_patient_id_sha256")),
    )
    op.create_index(op.f("ix_photo_checkin_id"), "photo", ["checkin_id"])
    op.create_index(op.f("ix_photo_treatment_id"), "photo", ["treatment_id"])
    op.create_index("ix_photo_patient_id_taken_at", "photo", ["patient_id", "taken_at"])


def downgrade() -> None:
    op.drop_index("ix_photo_patient_id_taken_at", table_name="photo")
    op.drop_index(op.f("ix_photo_treatment_id"), table_name="photo")
    op.drop_index(op.f("ix_photo_checkin_id"), table_name="photo")
    op.drop_table("photo")
