"""The care loop after a red flag: the clinic's contact details, emergency country and
acknowledgement deadline; alert assignment and the overdue email's mark; the message thread
between a patient and their clinic.

Revision ID: h15b_care_loop
Revises: 0006_alert_findings
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h15b_care_loop"
down_revision: str | None = "0006_alert_findings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): on SQLite a batch copy of `clinic` would drop a
    # table that every tenant row references.
    op.add_column("clinic", sa.Column("phone", sa.String(length=40), nullable=True))
    op.add_column("clinic", sa.Column("address", sa.Text(), nullable=True))
    op.add_column("clinic", sa.Column("hours", sa.Text(), nullable=True))
    op.add_column("clinic", sa.Column("country", sa.String(length=2), nullable=True))
    op.add_column(
        "clinic",
        sa.Column("urgent_ack_minutes", sa.Integer(), nullable=False, server_default="30"),
    )
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("assigned_to", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("overdue_notified_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.create_foreign_key(
            "fk_alert_assigned_to_user_account", "user_account", ["assigned_to"], ["id"]
        )
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("from_clinic", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name="fk_message_clinic_id_clinic"),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name="fk_message_patient_id_patient"
        ),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name="fk_message_alert_id_alert"),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name="fk_message_author_id_user_account"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_message"),
    )
    op.create_index("ix_message_clinic_id", "message", ["clinic_id"])
    op.create_index("ix_message_patient_id_created_at", "message", ["patient_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_message_patient_id_created_at", table_name="message")
    op.drop_index("ix_message_clinic_id", table_name="message")
    op.drop_table("message")
    with op.batch_alter_table("alert") as batch:
        batch.drop_constraint("fk_alert_assigned_to_user_account", type_="foreignkey")
        batch.drop_column("overdue_notified_at")
        batch.drop_column("assigned_to")
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason as in upgrade().
    for column in ("urgent_ack_minutes", "country", "hours", "address", "phone"):
        op.drop_column("clinic", column)
