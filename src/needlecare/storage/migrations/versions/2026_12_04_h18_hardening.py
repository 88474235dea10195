"""Hostile input and sessions that end (issue 18): the hash of each photo's uploaded bytes
(a repeated upload is found before it is decoded again) and a per-user session generation
(logout, a password change, deactivation or a reset end every copy of a session cookie).

Revision ID: h18_hardening
Revises: h21_shelf
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h18_hardening"
down_revision: str | None = "h21_shelf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite >= 3.35 has both): a batch copy of user_account would
    # drop a table that other tables' foreign keys refer to.
    op.add_column("photo", sa.Column("upload_sha256", sa.String(64), nullable=True))
    op.create_index("ix_photo_patient_id_upload_sha256", "photo", ["patient_id", "upload_sha256"])
    op.add_column(
        "user_account",
        sa.Column("session_generation", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE user_account DROP COLUMN session_generation")
    op.drop_index("ix_photo_patient_id_upload_sha256", table_name="photo")
    op.execute("ALTER TABLE photo DROP COLUMN upload_sha256")
