"""Outcome summary tables (kept in each check-in's transaction from now on, filled here from
the check-ins already stored) and the indexes the outcomes page reads alerts and missed
check-ins by.

Revision ID: h20b_outcomes
Revises: h18_hardening
Create Date: 2026-12-05
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from needlecare.outcomes.summary import summarise

revision: str = "h20b_outcomes"
down_revision: str | None = "h18_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "outcome_treatment",
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=4), nullable=True),
        sa.Column("device", sa.String(length=20), nullable=True),
        sa.Column("fitzpatrick", sa.Integer(), nullable=True),
        sa.Column("checkins", sa.Integer(), nullable=False),
        sa.Column("worst_rank", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Integer(), nullable=False),
        sa.Column("breakout_first_day", sa.Integer(), nullable=True),
        sa.Column("breakout_last_day", sa.Integer(), nullable=True),
        sa.Column("complication", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_outcome_treatment_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["user_account.id"],
            name=op.f("fk_outcome_treatment_operator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_outcome_treatment_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_outcome_treatment_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("treatment_id", name=op.f("pk_outcome_treatment")),
    )
    op.create_index(
        op.f("ix_outcome_treatment_clinic_id"), "outcome_treatment", ["clinic_id"], unique=False
    )
    op.create_index(
        op.f("ix_outcome_treatment_patient_id"), "outcome_treatment", ["patient_id"], unique=False
    )
    op.create_table(
        "outcome_day",
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("worst_rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_outcome_day_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_outcome_day_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("treatment_id", "day", name=op.f("pk_outcome_day")),
    )
    op.create_index("ix_outcome_day_clinic_day", "outcome_day", ["clinic_id", "day", "worst_rank"])
    op.create_index(
        "ix_alert_outcome",
        "alert",
        ["clinic_id", "level", "created_at", "acknowledged_at", "resolved_at"],
    )
    op.create_index(
        "ix_reminder_event_clinic_kind", "reminder_event", ["clinic_id", "kind", "treatment_id"]
    )
    _backfill(op.get_bind())


def _checkins(connection: sa.Connection) -> Iterator[Any]:
    """Clinic patients' check-ins, a treatment's together, read in batches by treatment id."""
    checkin = sa.table(
        "checkin",
        sa.column("id", sa.Integer),
        sa.column("treatment_id", sa.Integer),
        sa.column("day", sa.Integer),
        sa.column("level", sa.String),
        sa.column("triage_input", JSON_DOCUMENT),
        sa.column("triage_result", JSON_DOCUMENT),
    )
    treatment = sa.table(
        "treatment",
        sa.column("id", sa.Integer),
        sa.column("patient_id", sa.Integer),
        sa.column("created_by", sa.Integer),
    )
    patient = sa.table("patient", sa.column("id", sa.Integer), sa.column("clinic_id", sa.Integer))
    query = (
        sa.select(
            checkin.c.treatment_id,
            patient.c.clinic_id,
            patient.c.id,
            treatment.c.created_by,
            checkin.c.day,
            checkin.c.level,
            checkin.c.triage_input,
            checkin.c.triage_result,
        )
        .join(treatment, treatment.c.id == checkin.c.treatment_id)
        .join(patient, patient.c.id == treatment.c.patient_id)
        .where(patient.c.clinic_id.is_not(None))
    )
    after = 0
    while True:  # by treatment id, a few thousand at a time (memory stays flat)
        ids = connection.execute(
            sa.select(treatment.c.id)
            .where(treatment.c.id > after)
            .order_by(treatment.c.id)
            .limit(BATCH)
        ).scalars()
        batch = list(ids)
        if not batch:
            return
        yield from connection.execute(
            query.where(checkin.c.treatment_id.in_(batch)).order_by(
                checkin.c.treatment_id, checkin.c.id
            )
        )
        after = batch[-1]


def _backfill(connection: sa.Connection) -> None:
    treatments: dict[int, dict[str, Any]] = {}
    days: dict[tuple[int, int], dict[str, Any]] = {}
    for tid, clinic_id, patient_id, operator_id, day, level, given, result in _checkins(connection):
        s = summarise(level, day, given or {}, result or {})
        row = treatments.get(tid)
        if row is None:
            row = treatments[tid] = {
                "treatment_id": tid,
                "clinic_id": clinic_id,
                "patient_id": patient_id,
                "operator_id": operator_id,
                "band": s.band,
                "device": s.device,
                "fitzpatrick": s.fitzpatrick,
                "checkins": 0,
                "worst_rank": s.rank,
                "last_day": s.day,
                "breakout_first_day": None,
                "breakout_last_day": None,
                "complication": False,
            }
        row["checkins"] += 1
        row["worst_rank"] = max(row["worst_rank"], s.rank)
        row["last_day"] = max(row["last_day"], s.day)
        row["complication"] = row["complication"] or s.complication
        if s.breakout:
            first, last = row["breakout_first_day"], row["breakout_last_day"]
            row["breakout_first_day"] = s.day if first is None else min(first, s.day)
            row["breakout_last_day"] = s.day if last is None else max(last, s.day)
        key = (tid, s.day)
        if key in days:
            days[key]["worst_rank"] = max(days[key]["worst_rank"], s.rank)
        else:
            days[key] = {
                "treatment_id": tid,
                "day": s.day,
                "clinic_id": clinic_id,
                "worst_rank": s.rank,
            }
        if len(days) >= BATCH * 5:
            _flush(connection, treatments, days, keep=tid)
    _flush(connection, treatments, days, keep=None)


def _flush(
    connection: sa.Connection,
    treatments: dict[int, dict[str, Any]],
    days: dict[tuple[int, int], dict[str, Any]],
    keep: int | None,
) -> None:
    """Write the finished treatments (all but `keep`, whose check-ins may still follow)."""
    done = [tid for tid in treatments if tid != keep]
    if done:
        op.bulk_insert(_TREATMENT_TABLE, [treatments.pop(tid) for tid in done])
    finished = [key for key in days if key[0] != keep]
    if finished:
        op.bulk_insert(_DAY_TABLE, [days.pop(key) for key in finished])


_TREATMENT_TABLE = sa.table(
    "outcome_treatment",
    *(
        sa.column(name, sa.Integer)
        for name in (
            "treatment_id",
            "clinic_id",
            "patient_id",
            "operator_id",
            "fitzpatrick",
            "checkins",
            "worst_rank",
            "last_day",
            "breakout_first_day",
            "breakout_last_day",
        )
    ),
    sa.column("band", sa.String),
    sa.column("device", sa.String),
    sa.column("complication", sa.Boolean),
)
_DAY_TABLE = sa.table(
    "outcome_day",
    *(sa.column(name, sa.Integer) for name in ("treatment_id", "day", "clinic_id", "worst_rank")),
)


def downgrade() -> None:
    op.drop_index("ix_reminder_event_clinic_kind", table_name="reminder_event")
    op.drop_index("ix_alert_outcome", table_name="alert")
    op.drop_index("ix_outcome_day_clinic_day", table_name="outcome_day")
    op.drop_table("outcome_day")
    op.drop_index(op.f("ix_outcome_treatment_patient_id"), table_name="outcome_treatment")
    op.drop_index(op.f("ix_outcome_treatment_clinic_id"), table_name="outcome_treatment")
    op.drop_table("outcome_treatment")
