"""Keeping the outcome summary tables as check-ins arrive, in the check-in's own transaction:
two atomic upserts (two check-ins of one treatment at once on PostgreSQL both count: each
upsert waits for the other's row and then adds to it), and the clinic's by-day counts.

The counts need the day's worst level before the check-in, so that row is read first: the
check-in path holds the patient's row lock by then (`queue_entries.hold_patients`), and a
treatment's rows are written only by its patient's check-ins, so nothing changes it between
the read and the writes. A count moves from the old level to the new one, lower rank first,
so two check-ins of one clinic lock count rows in the same order (no deadlock)."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Executable,
    Integer,
    Table,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from needlecare.outcomes.summary import band_of, summarise
from needlecare.storage.models import OutcomeDay, OutcomeDayCount, OutcomeTreatment, Treatment

_TREATMENT = cast(Table, OutcomeTreatment.__table__)
_DAY = cast(Table, OutcomeDay.__table__)
_COUNT = cast(Table, OutcomeDayCount.__table__)


def _greater(current: Any, new: Any) -> Any:
    return case((new > current, new), else_=current)


def _earlier(current: Any, new: Any) -> Any:
    """The earlier day, NULL meaning 'none yet' on either side."""
    return case(
        (new.is_(None), current), (or_(current.is_(None), new < current), new), else_=current
    )


def _later(current: Any, new: Any) -> Any:
    return case(
        (new.is_(None), current), (or_(current.is_(None), new > current), new), else_=current
    )


@cache
def _count_statement(dialect: str) -> Executable:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    c = _COUNT.c
    add = insert(_COUNT).values(
        clinic_id=bindparam("clinic_id", type_=Integer),
        day=bindparam("day", type_=Integer),
        worst_rank=bindparam("worst_rank", type_=Integer),
        treatments=bindparam("change", type_=Integer),
    )
    return add.on_conflict_do_update(
        index_elements=[c.clinic_id, c.day, c.worst_rank],
        set_={"treatments": c.treatments + add.excluded.treatments},
    )


def add_counts(session: Session, clinic_id: int, changes: list[tuple[int, int, int]]) -> None:
    """Add each (day, worst_rank, change) to the clinic's by-day counts, in the order given
    (callers give lower ranks first); never commits."""
    if changes:
        session.execute(
            _count_statement(session.get_bind().dialect.name),
            [
                {"clinic_id": clinic_id, "day": day, "worst_rank": rank, "change": change}
                for day, rank, change in changes
            ],
        )


@cache
def _statements(dialect: str) -> tuple[Executable, Executable]:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    t, d = _TREATMENT.c, _DAY.c
    recorded = select(Treatment.created_by).where(Treatment.id == bindparam("treatment_id"))
    operator = select(Treatment.operator).where(Treatment.id == bindparam("treatment_id"))
    names = (
        "treatment_id",
        "clinic_id",
        "patient_id",
        "band",
        "device",
        "fitzpatrick",
        "worst_rank",
        "last_day",
        "breakout_first_day",
        "breakout_last_day",
        "complication",
    )
    values: dict[str, Any] = {name: bindparam(name, type_=t[name].type) for name in names}
    treatment = insert(_TREATMENT).values(
        operator_id=recorded.scalar_subquery(),
        operator=operator.scalar_subquery(),
        checkins=1,
        **values,
    )
    new = treatment.excluded
    treatment = treatment.on_conflict_do_update(
        index_elements=[t.treatment_id],
        set_={
            "checkins": t.checkins + 1,
            "worst_rank": _greater(t.worst_rank, new.worst_rank),
            "last_day": _greater(t.last_day, new.last_day),
            "breakout_first_day": _earlier(t.breakout_first_day, new.breakout_first_day),
            "breakout_last_day": _later(t.breakout_last_day, new.breakout_last_day),
            "complication": or_(t.complication, new.complication),
        },
    )
    day = insert(_DAY).values(
        treatment_id=bindparam("treatment_id", type_=Integer),
        day=bindparam("day", type_=Integer),
        clinic_id=bindparam("clinic_id", type_=Integer),
        worst_rank=bindparam("worst_rank", type_=Integer),
    )
    day = day.on_conflict_do_update(
        index_elements=[d.treatment_id, d.day],
        set_={"worst_rank": _greater(d.worst_rank, day.excluded.worst_rank)},
        where=and_(day.excluded.worst_rank > d.worst_rank),
    )
    return treatment, day


def record(
    session: Session, clinic_id: int | None, patient_id: int, values: dict[str, Any]
) -> None:
    """Add a stored check-in (its row `values`) to its treatment's summary rows; never
    commits. Patients without a clinic have no clinic outcomes: nothing is kept for them."""
    if clinic_id is None:
        return
    s = summarise(
        str(values["level"]), int(values["day"]), values["triage_input"], values["triage_result"]
    )
    treatment, day = _statements(session.get_bind().dialect.name)
    breakout_day = s.day if s.breakout else None
    before = session.scalar(
        select(OutcomeDay.worst_rank).where(
            OutcomeDay.treatment_id == values["treatment_id"], OutcomeDay.day == s.day
        )
    )
    session.execute(
        treatment,
        {
            "treatment_id": values["treatment_id"],
            "clinic_id": clinic_id,
            "patient_id": patient_id,
            "band": s.band,
            "device": s.device,
            "fitzpatrick": s.fitzpatrick,
            "worst_rank": s.rank,
            "last_day": s.day,
            "breakout_first_day": breakout_day,
            "breakout_last_day": breakout_day,
            "complication": s.complication,
        },
    )
    session.execute(
        day,
        {
            "treatment_id": values["treatment_id"],
            "day": s.day,
            "clinic_id": clinic_id,
            "worst_rank": s.rank,
        },
    )
    if before is None:
        add_counts(session, clinic_id, [(s.day, s.rank, 1)])
    elif s.rank > before:
        add_counts(session, clinic_id, [(s.day, before, -1), (s.day, s.rank, 1)])


def forget_patient(session: Session, patient_id: int) -> None:
    """Before a patient's rows are deleted: their treatment-days leave the clinic's counts
    (the deletion's cascade removes the rows themselves); never commits."""
    d, t = OutcomeDay, OutcomeTreatment
    found = session.execute(
        select(d.clinic_id, d.day, d.worst_rank, func.count())
        .join(t, t.treatment_id == d.treatment_id)
        .where(t.patient_id == patient_id)
        .group_by(d.clinic_id, d.day, d.worst_rank)
        .order_by(d.clinic_id, d.day, d.worst_rank)
    ).all()
    for clinic_id, day, rank, n in found:
        add_counts(session, clinic_id, [(day, rank, -n)])


def follow_treatment(session: Session, treatment: Treatment) -> None:
    """A corrected treatment record: its summary row (if any) takes the new depth band,
    device and operator, so the outcomes group it as it is recorded now; never commits."""
    session.execute(
        update(OutcomeTreatment)
        .where(OutcomeTreatment.treatment_id == treatment.id)
        .values(
            band=band_of(treatment.depth_mm, treatment.device),
            device=str(treatment.device),
            operator=treatment.operator,
        )
    )
