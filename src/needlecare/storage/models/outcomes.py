"""Outcome summary tables, kept in each check-in's own transaction (services.outcomes).

The clinic's outcomes page counts these instead of reading every check-in: one row per
followed treatment and one per treatment and day after treatment. Both point at the
treatment and the patient, so a patient's deletion removes them with everything else.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base


class OutcomeTreatment(Base):
    """One treatment with at least one check-in: its worst level, breakout days, complication."""

    __tablename__ = "outcome_treatment"
    # The outcomes' two reads of a clinic's rows, each from its index alone in group order
    # (no table lookups, no sort): the breakdowns' groups, and the breakout spans.
    __table_args__ = (
        Index(
            "ix_outcome_treatment_groups",
            "clinic_id", "band", "device", "operator", "fitzpatrick", "worst_rank", "complication",
        ),
        Index(
            "ix_outcome_treatment_breakouts", "clinic_id", "breakout_first_day", "breakout_last_day"
        ),
    )  # fmt: skip

    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    # Who recorded the treatment; NULL when not known.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The treatment as recorded now (a correction of the record updates them): depth band,
    # device and the operator who performed it (the clinic's own words).
    band: Mapped[str | None] = mapped_column(String(4))
    device: Mapped[str | None] = mapped_column(String(20))
    operator: Mapped[str | None] = mapped_column(String(200))
    fitzpatrick: Mapped[int | None]
    checkins: Mapped[int]
    worst_rank: Mapped[int]  # index into outcomes.summary.LEVELS
    last_day: Mapped[int]
    breakout_first_day: Mapped[int | None]
    breakout_last_day: Mapped[int | None]
    complication: Mapped[bool]


class OutcomeDay(Base):
    """A treatment's worst level on one day after treatment."""

    __tablename__ = "outcome_day"

    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), primary_key=True)
    day: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    worst_rank: Mapped[int]


class OutcomeDayCount(Base):
    """How many of a clinic's treatments had `worst_rank` as their worst level on `day`: the
    by-day breakdown in a few dozen rows, whatever the years of check-ins. Kept with
    outcome_day in the check-in's transaction (services.outcome_rows), and lowered by a
    patient's deletion (it points at the clinic only, so no cascade reaches it)."""

    __tablename__ = "outcome_day_count"

    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), primary_key=True)
    day: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    worst_rank: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    treatments: Mapped[int]
