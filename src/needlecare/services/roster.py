"""The clinic's roster: who needs attention first, then the most recent activity, a page at a
time, with the staff's filters (in recovery, alert open, missed check-in, treated on a date).

The roster never scans check-ins or alerts: it reads the patient row's summary columns, kept
in the transaction that changes what they sum up (`checkin_stored` in the check-in's,
`alerts_changed` in an alert's resolution, `treatment_added` in a treatment's), through the
index `ix_patient_roster` (clinic_id, attention, last_activity_at, id). A page costs the same
in a clinic of 50 patients or 50,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import Select, Table, and_, bindparam, case, exists, func, or_, select, update
from sqlalchemy.orm import Session

from needlecare.jobs import schedule
from needlecare.services import audit
from needlecare.services.alert_queue import MISSED_LOOKBACK
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.enums import ALERT_LEVELS, AlertState, Level
from needlecare.storage.models import Alert, Patient, ReminderEvent, Treatment
from needlecare.storage.models.jobs import EventKind, EventOutcome
from needlecare.storage.uow import UnitOfWork

MAX_QUERY = 100
# "In recovery": treated within the default reminder plan's last check-in day.
RECOVERY_DAYS = max(schedule.DEFAULT_DAY_OFFSETS)
Show = Literal["all", "recovery", "alert", "missed"]
SHOWS: tuple[Show, ...] = ("all", "recovery", "alert", "missed")
# The roster's order, newest and most urgent first; unique with the id.
ROSTER_KEY = (Patient.attention, Patient.last_activity_at, Patient.id)

_PATIENT = cast(Table, Patient.__table__)


# --- Kept in the writers' transactions ------------------------------------------------------

# Built once with bound parameters only (the submit path's statements are cached compiled).
_CHECKIN_STORED = (
    update(_PATIENT)
    .where(_PATIENT.c.id == bindparam("s_patient"))
    .values(
        last_checkin_at=bindparam("s_at"),
        last_checkin_day=bindparam("s_day"),
        last_level=bindparam("s_level"),
        last_activity_at=bindparam("s_at"),
        open_alerts=_PATIENT.c.open_alerts + bindparam("s_raised"),
        attention=case(
            (_PATIENT.c.attention < bindparam("s_rank"), bindparam("s_rank")),
            else_=_PATIENT.c.attention,
        ),
    )
)


def checkin_stored(
    session: Session, patient_id: int, at: datetime, day: int, level: Level, alerted: bool
) -> None:
    """The patient's summary after a check-in (and its alert, if it raised one)."""
    session.execute(
        _CHECKIN_STORED,
        {
            "s_patient": patient_id,
            "s_at": at,
            "s_day": day,
            "s_level": level,
            "s_raised": 1 if alerted else 0,
            "s_rank": level.rank if alerted else 0,
        },
    )


def alerts_changed(session: Session, patient_id: int) -> None:
    """Recount the patient's unresolved alerts and their highest level (after a resolution:
    a few rows, through the alert's patient index)."""
    unresolved = and_(Alert.patient_id == Patient.id, Alert.state != AlertState.RESOLVED)
    rank = case(*((Alert.level == lv, lv.rank) for lv in ALERT_LEVELS), else_=1)
    session.execute(
        update(Patient)
        .where(Patient.id == patient_id)
        .values(
            open_alerts=select(func.count(Alert.id)).where(unresolved).scalar_subquery(),
            attention=func.coalesce(select(func.max(rank)).where(unresolved).scalar_subquery(), 0),
        )
        .execution_options(synchronize_session=False)
    )


def treatment_added(session: Session, patient_id: int, treatment_date: date) -> None:
    latest = Patient.last_treatment_date
    session.execute(
        update(Patient)
        .where(Patient.id == patient_id, or_(latest.is_(None), latest < treatment_date))
        .values(last_treatment_date=treatment_date)
        .execution_options(synchronize_session=False)
    )


def treatment_changed(session: Session, patient_id: int) -> None:
    """After a treatment's date was corrected (it may have moved earlier): the latest again."""
    latest = (
        select(func.max(Treatment.treatment_date))
        .where(Treatment.patient_id == patient_id)
        .scalar_subquery()
    )
    session.execute(
        update(Patient)
        .where(Patient.id == patient_id)
        .values(last_treatment_date=latest)
        .execution_options(synchronize_session=False)
    )


# --- The roster -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFilter:
    query: str = ""
    show: Show = "all"
    treated_on: date | None = None


@dataclass(frozen=True)
class RosterRow:
    patient_id: int
    display_name: str
    email: str | None
    has_login: bool
    last_checkin_at: datetime | None
    last_day: int | None
    last_level: Level | None
    open_alerts: int
    attention: Level | None  # the highest level among the open alerts
    last_treatment_date: date | None


def _like(query: str) -> str:
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(clinic_id: int, filters: RosterFilter, now: datetime) -> list[Any]:
    where: list[Any] = [Patient.clinic_id == clinic_id]
    query = filters.query.strip()[:MAX_QUERY]
    if query:
        pattern = _like(query)
        where.append(
            or_(
                func.lower(Patient.display_name).like(pattern, escape="\\"),
                func.lower(func.coalesce(Patient.email, "")).like(pattern, escape="\\"),
            )
        )
    if filters.show == "alert":
        where.append(Patient.attention > 0)
    elif filters.show == "recovery":
        where.append(Patient.last_treatment_date >= now.date() - timedelta(days=RECOVERY_DAYS))
    elif filters.show == "missed":
        last = Patient.last_checkin_at
        # As the alert queue says it: a missed check-in of the last days not made up since.
        where.append(
            exists().where(
                ReminderEvent.patient_id == Patient.id,
                ReminderEvent.kind == EventKind.MISSED_CHECKIN,
                ReminderEvent.outcome != EventOutcome.SUPPRESSED,
                ReminderEvent.due_at >= now - MISSED_LOOKBACK,
                or_(last.is_(None), last < ReminderEvent.due_at),
            )
        )
    if filters.treated_on is not None:
        where.append(
            exists().where(
                Treatment.patient_id == Patient.id, Treatment.treatment_date == filters.treated_on
            )
        )
    return where


def statement_for(clinic_id: int, filters: RosterFilter, now: datetime) -> Select[Any]:
    """The roster's SELECT of a clinic's patients (unordered: the page orders by ROSTER_KEY)."""
    return select(Patient).where(*_conditions(clinic_id, filters, now))


def _row(patient: Patient) -> RosterRow:
    by_rank = {lv.rank: lv for lv in Level}
    return RosterRow(
        patient_id=patient.id,
        display_name=patient.display_name,
        email=patient.email,
        has_login=patient.user_id is not None,
        last_checkin_at=patient.last_checkin_at,
        last_day=patient.last_checkin_day,
        last_level=patient.last_level,
        open_alerts=patient.open_alerts,
        attention=by_rank.get(patient.attention) if patient.attention else None,
        last_treatment_date=patient.last_treatment_date,
    )


def roster(
    uow: UnitOfWork,
    actor: Principal,
    filters: RosterFilter = RosterFilter(),
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
    now: datetime | None = None,
) -> Page[RosterRow]:
    """A page of the clinic's patients (staff only): open alerts first (urgent before
    contact_clinic), then the most recent check-in or arrival; `after` is the last page's
    position."""
    clinic_id = require_staff(actor)
    statement = statement_for(clinic_id, filters, now or utcnow())
    with uow:
        page = keyset_page(
            uow.session, statement, ROSTER_KEY, after=after, limit=limit, descending=True
        )
        rows = [_row(p) for p in page.items]
        audit.record(uow.session, actor, "patient.list", "patient", None, clinic_id=clinic_id)
        uow.commit()
    return Page(rows, page.after)
