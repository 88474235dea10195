"""Failed logins (rate limit and lockout shared by every app server).

Revision ID: 0005_login_failures
Revises: 0003_photos
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_login_failures"
down_revision: str | None = "0003_photos"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index("ix_login_failure_scope_key_at", "login_failure", ["scope", "key", "at"])
    op.create_index(op.f("ix_login_failure_at"), "login_failure", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failure_at"), table_name="login_failure")
    op.drop_index("ix_login_failure_scope_key_at", table_name="login_failure")
    op.drop_table("login_failure")
