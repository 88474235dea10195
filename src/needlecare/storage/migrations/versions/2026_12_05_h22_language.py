"""The language a person chose for pages, emails and PDFs (issue 22).

Revision ID: h22_language
Revises: h19b_treatments
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h22_language"
down_revision: str | None = "h19b_treatments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): NULL means "follow the browser".
    op.add_column("user_account", sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE user_account DROP COLUMN language")
