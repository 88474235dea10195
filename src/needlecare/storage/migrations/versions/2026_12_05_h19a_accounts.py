"""Clinics and accounts (issue 19): single-use links that set a password (a new clinic's
admin, a reset), when each login was last seen, and the audit log's (clinic, at, id) index
for its filters and cursor paging.

Revision ID: h19a_accounts
Revises: h20a_roster
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h19a_accounts"
down_revision: str | None = "h20a_roster"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_account_link_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_link_token_hash")),
    )
    op.create_index(op.f("ix_account_link_user_id"), "account_link", ["user_id"], unique=False)
    # Plain ADD COLUMN: a batch copy of user_account would break the foreign keys to it.
    op.add_column(
        "user_account", sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_audit_log_clinic_id_at_id", "audit_log", ["clinic_id", "at", "id"])
    op.drop_index("ix_audit_log_clinic_id_at", table_name="audit_log")


def downgrade() -> None:
    op.create_index("ix_audit_log_clinic_id_at", "audit_log", ["clinic_id", "at"])
    op.drop_index("ix_audit_log_clinic_id_at_id", table_name="audit_log")
    op.execute("ALTER TABLE user_account DROP COLUMN last_seen_at")
    op.drop_index(op.f("ix_account_link_user_id"), table_name="account_link")
    op.drop_table("account_link")
