"""Clinic protocol versions; check-ins record the protocol version their result used.

Revision ID: 0004_protocols
Revises: 0002_jobs_outbox
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_protocols"
down_revision: str | None = "0002_jobs_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "clinic_protocol",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_clinic_protocol_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_clinic_protocol_created_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_protocol")),
        sa.UniqueConstraint(
            "clinic_id", "version", name=op.f("uq_clinic_protocol_clinic_id_version")
        ),
    )
    op.create_index(op.f("ix_clinic_protocol_clinic_id"), "clinic_protocol", ["clinic_id"])
    op.add_column("checkin", sa.Column("protocol_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop a column in place: batch mode copies the table.
    with op.batch_alter_table("checkin") as batch:
        batch.drop_column("protocol_version")
    op.drop_index(op.f("ix_clinic_protocol_clinic_id"), table_name="clinic_protocol")
    op.drop_table("clinic_protocol")
