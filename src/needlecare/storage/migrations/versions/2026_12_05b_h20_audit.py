"""The audit page's access paths: an action filter walks (clinic_id, action, at, id) and a
person filter (actor_user_id, at, id), newest first, both without a sort; the unused
(clinic_id, id) index goes (the page and the API order by (at, id): their plans never read
it, tests/api/test_audit_scale.py).

Revision ID: h20_audit
Revises: h21_shelf_photo
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "h20_audit"
down_revision: str | None = "h21_shelf_photo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_log_clinic_id_action_at_id", "audit_log", ["clinic_id", "action", "at", "id"]
    )
    op.create_index("ix_audit_log_actor_user_id_at_id", "audit_log", ["actor_user_id", "at", "id"])
    op.drop_index("ix_audit_log_clinic_id_id", table_name="audit_log")


def downgrade() -> None:
    op.create_index("ix_audit_log_clinic_id_id", "audit_log", ["clinic_id", "id"])
    op.drop_index("ix_audit_log_actor_user_id_at_id", table_name="audit_log")
    op.drop_index("ix_audit_log_clinic_id_action_at_id", table_name="audit_log")
