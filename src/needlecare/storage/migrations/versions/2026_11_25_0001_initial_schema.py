"""Initial schema: tenants, logins, patient data, append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT_APPEND_ONLY = "audit log is append-only"


def _create_audit_guards() -> None:
    """Refuse UPDATE and DELETE on audit_log in the database itself, not only in code."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{AUDIT_APPEND_ONLY}'; END; $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        # TRUNCATE bypasses row triggers; forbid it with a statement trigger.
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY}'); END"
        )


def _drop_audit_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb}")


def upgrade() -> None:
    op.create_table(
        "clinic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "clinician", "patient", name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_user_account_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_index(op.f("ix_user_account_clinic_id"), "user_account", ["clinic_id"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)

    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("fitzpatrick", sa.Integer(), nullable=True),
        sa.Column("acne_prone", sa.Boolean(), nullable=False),
        sa.Column(
            "history",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_patient_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_patient_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("user_id", name=op.f("uq_patient_user_id")),
    )
    op.create_index(op.f("ix_patient_clinic_id"), "patient", ["clinic_id"], unique=False)

    op.create_table(
        "staff_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "clinician", "patient", name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_staff_invitation_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_staff_invitation_created_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_invitation_token_hash")),
    )
    op.create_index(
        op.f("ix_staff_invitation_clinic_id"), "staff_invitation", ["clinic_id"], unique=False
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=True),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_log_actor_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_audit_log_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_audit_log_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_clinic_id_at", "audit_log", ["clinic_id", "at"], unique=False)
    op.create_index(op.f("ix_audit_log_patient_id"), "audit_log", ["patient_id"], unique=False)

    op.create_table(
        "clinical_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_clinical_note_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_clinical_note_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinical_note")),
    )
    op.create_index(
        op.f("ix_clinical_note_patient_id"), "clinical_note", ["patient_id"], unique=False
    )

    op.create_table(
        "patient_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_patient_invitation_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_patient_invitation_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_patient_invitation_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_patient_invitation_token_hash")),
    )
    op.create_index(
        op.f("ix_patient_invitation_clinic_id"), "patient_invitation", ["clinic_id"], unique=False
    )
    op.create_index(
        op.f("ix_patient_invitation_patient_id"), "patient_invitation", ["patient_id"], unique=False
    )

    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("product_name", sa.String(length=200), nullable=False),
        sa.Column("inci_text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_recommendation_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_recommendation_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
    )
    op.create_index(
        op.f("ix_recommendation_patient_id"), "recommendation", ["patient_id"], unique=False
    )

    op.create_table(
        "treatment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("treatment_date", sa.Date(), nullable=False),
        sa.Column("depth_mm", sa.Float(), nullable=False),
        sa.Column(
            "device",
            sa.Enum("pen", "roller", "rf", "stamp", name="device", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "areas",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fitzpatrick", sa.Integer(), nullable=True),
        sa.Column("serum", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_treatment_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_treatment_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment")),
    )
    op.create_index(op.f("ix_treatment_patient_id"), "treatment", ["patient_id"], unique=False)

    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "expected",
                "monitor",
                "contact_clinic",
                "urgent",
                name="level",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("phase", sa.String(length=100), nullable=False),
        sa.Column(
            "triage_input",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "triage_result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_checkin_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_checkin_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_checkin_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
        sa.UniqueConstraint(
            "patient_id", "idempotency_key", name=op.f("uq_checkin_patient_id_idempotency_key")
        ),
    )
    op.create_index(
        "ix_checkin_patient_id_created_at", "checkin", ["patient_id", "created_at"], unique=False
    )
    op.create_index(op.f("ix_checkin_treatment_id"), "checkin", ["treatment_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "expected",
                "monitor",
                "contact_clinic",
                "urgent",
                name="level",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "open", "acknowledged", "resolved", name="alertstate", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["user_account.id"],
            name=op.f("fk_alert_acknowledged_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkin.id"], name=op.f("fk_alert_checkin_id_checkin")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_alert_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_alert_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["user_account.id"], name=op.f("fk_alert_resolved_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("checkin_id", name=op.f("uq_alert_checkin_id")),
    )
    op.create_index("ix_alert_clinic_id_state", "alert", ["clinic_id", "state"], unique=False)
    op.create_index(op.f("ix_alert_patient_id"), "alert", ["patient_id"], unique=False)

    _create_audit_guards()


def downgrade() -> None:
    _drop_audit_guards()
    op.drop_index(op.f("ix_alert_patient_id"), table_name="alert")
    op.drop_index("ix_alert_clinic_id_state", table_name="alert")

    op.drop_table("alert")
    op.drop_index(op.f("ix_checkin_treatment_id"), table_name="checkin")
    op.drop_index("ix_checkin_patient_id_created_at", table_name="checkin")

    op.drop_table("checkin")
    op.drop_index(op.f("ix_treatment_patient_id"), table_name="treatment")

    op.drop_table("treatment")
    op.drop_index(op.f("ix_recommendation_patient_id"), table_name="recommendation")

    op.drop_table("recommendation")
    op.drop_index(op.f("ix_patient_invitation_patient_id"), table_name="patient_invitation")
    op.drop_index(op.f("ix_patient_invitation_clinic_id"), table_name="patient_invitation")

    op.drop_table("patient_invitation")
    op.drop_index(op.f("ix_clinical_note_patient_id"), table_name="clinical_note")

    op.drop_table("clinical_note")
    op.drop_index(op.f("ix_audit_log_patient_id"), table_name="audit_log")
    op.drop_index("ix_audit_log_clinic_id_at", table_name="audit_log")

    op.drop_table("audit_log")
    op.drop_index(op.f("ix_staff_invitation_clinic_id"), table_name="staff_invitation")

    op.drop_table("staff_invitation")
    op.drop_index(op.f("ix_patient_clinic_id"), table_name="patient")

    op.drop_table("patient")
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")

    op.drop_table("api_token")
    op.drop_index(op.f("ix_user_account_clinic_id"), table_name="user_account")

    op.drop_table("user_account")
    op.drop_table("clinic")
