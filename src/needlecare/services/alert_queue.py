"""The clinic's alert queue: one row per patient (their highest unresolved level, the newest
red flag first), then missed check-ins as their own lower rows; and the counts every page
and the API show (one function, so they always agree). Assigning and acknowledging a row:
`alert_queue_actions`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from needlecare.services import audit, messages
from needlecare.services.errors import Invalid
from needlecare.services.pagination import MAX_LIMIT, Page, invalid_cursor
from needlecare.services.principal import Principal
from needlecare.services.scope import require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.enums import AlertState, Level
from needlecare.storage.models import (
    Alert,
    AlertQueueEntry,
    Checkin,
    Clinic,
    Message,
    Patient,
    User,
)
from needlecare.storage.models.jobs import EventKind, EventOutcome, ReminderEvent
from needlecare.storage.uow import UnitOfWork

ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)
MISSED_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class QueueFilter:
    level: Level | None = None
    state: AlertState | None = None  # open or acknowledged; None: both
    assigned_to: int | None = None


@dataclass
class QueueRow:
    """A patient who needs the clinic: their alerts rolled into one row (kind "alert"), or a
    missed check-in (kind "missed")."""

    kind: str
    patient_id: int
    patient_name: str
    level: Level | None
    state: AlertState | None
    alert_id: int | None  # the newest alert at the row's level: the one the row opens
    checkin_id: int | None
    day: int | None
    findings: list[dict[str, Any]]
    newest_at: datetime
    waiting_since: datetime  # the oldest unacknowledged alert (or the missed due time)
    alert_ids: list[int] = field(default_factory=list)
    assigned_to: int | None = None
    assignee_name: str | None = None
    unread_messages: int = 0
    overdue: bool = False


@dataclass(frozen=True)
class QueueCounts:
    """What the header, the badge and the API all show."""

    waiting: int  # patients with an alert nobody has acknowledged yet
    active: int  # patients with an unresolved alert
    unread_messages: int  # messages from patients nobody at the clinic has opened


# The queue's order: alert rows (one per patient, from the queue's summary) before missed
# check-ins; among alerts, unacknowledged first, then the highest level, then the newest red
# flag first (a fresh fever with pus must not wait behind older alerts of the same level),
# the patient last so that a cursor is exact. Every key descending: one index walk.
_E = AlertQueueEntry
_ALERT_ORDER = (_E.waiting, _E.level_rank, _E.lead_at, _E.patient_id)
_NEWER = aliased(ReminderEvent)


def entry_statement(
    clinic_id: int, filters: QueueFilter, after: Sequence[Any] | None, limit: int
) -> Select[int, int, datetime, int]:
    """(waiting, level rank, lead alert's time, patient) of the next `limit` alert rows."""
    statement = select(*_ALERT_ORDER).where(_E.clinic_id == clinic_id)
    if filters.level is not None:
        statement = statement.where(_E.level_rank == filters.level.rank)
    if filters.state is not None:
        waiting = {AlertState.OPEN: 1, AlertState.ACKNOWLEDGED: 0}.get(filters.state, -1)
        statement = statement.where(_E.waiting == waiting)
    if filters.assigned_to is not None:
        statement = statement.where(_E.assigned_to == filters.assigned_to)
    if after is not None:
        statement = statement.where(tuple_(*_ALERT_ORDER) < tuple_(*after))
    return statement.order_by(*(column.desc() for column in _ALERT_ORDER)).limit(limit)


def missed_statement(
    clinic_id: int, now: datetime, after: Sequence[Any] | None, limit: int
) -> Select[datetime, int, int, str]:
    """(due time, patient, due day, name) of the next `limit` missed check-ins: a patient's
    newest in the last week, unless they checked in since or have an alert row."""
    event = ReminderEvent
    newer = (
        select(_NEWER.id)
        .where(
            _NEWER.patient_id == event.patient_id,
            _NEWER.kind == EventKind.MISSED_CHECKIN,
            _NEWER.outcome != EventOutcome.SUPPRESSED,
            or_(
                _NEWER.due_at > event.due_at,
                and_(_NEWER.due_at == event.due_at, _NEWER.id > event.id),
            ),
        )
        .exists()
    )
    statement = (
        select(event.due_at, event.patient_id, event.due_day, Patient.display_name)
        .join(Patient, Patient.id == event.patient_id)
        .where(
            event.clinic_id == clinic_id,
            event.kind == EventKind.MISSED_CHECKIN,
            event.outcome != EventOutcome.SUPPRESSED,
            event.due_at >= now - MISSED_LOOKBACK,
            # The newest check-in from its summary column (kept with each check-in).
            or_(Patient.last_checkin_at.is_(None), Patient.last_checkin_at < event.due_at),
            ~newer,
            ~select(_E.patient_id).where(_E.patient_id == event.patient_id).exists(),
        )
    )
    if after is not None:
        statement = statement.where(tuple_(event.due_at, event.patient_id) < tuple_(*after))
    return statement.order_by(event.due_at.desc(), event.patient_id.desc()).limit(limit)


def _alert_rows(
    session: Session, clinic_id: int, now: datetime, patient_ids: Sequence[int]
) -> dict[int, QueueRow]:
    """The rows of these patients (a page's), from their unresolved alerts."""
    alerts = session.execute(
        select(Alert, Patient.display_name, Checkin.day)
        .join(Patient, Patient.id == Alert.patient_id)
        .join(Checkin, Checkin.id == Alert.checkin_id)
        .where(
            Alert.clinic_id == clinic_id,
            Alert.patient_id.in_(patient_ids),
            Alert.state.in_(ACTIVE_STATES),
        )
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    ).all()
    clinic = session.get(Clinic, clinic_id)
    deadline = timedelta(minutes=clinic.urgent_ack_minutes if clinic is not None else 30)
    by_patient: dict[int, list[tuple[Alert, str, int]]] = {}
    for alert, name, day in alerts:  # newest first
        by_patient.setdefault(alert.patient_id, []).append((alert, name, day))
    rows = {}
    for patient_id, items in by_patient.items():
        top = max(alert.level.rank for alert, _, _ in items)
        # The row opens the newest alert at the patient's highest level.
        lead, name, day = next(item for item in items if item[0].level.rank == top)
        waiting = [alert for alert, _, _ in items if alert.state is AlertState.OPEN]
        rows[patient_id] = QueueRow(
            kind="alert",
            patient_id=patient_id,
            patient_name=name,
            level=lead.level,
            # A patient with any alert nobody has seen is still waiting.
            state=AlertState.OPEN if waiting else AlertState.ACKNOWLEDGED,
            alert_id=lead.id,
            checkin_id=lead.checkin_id,
            day=day,
            findings=[f for f in lead.findings or () if isinstance(f, dict)],
            newest_at=lead.created_at,
            waiting_since=min((a.created_at for a in waiting), default=lead.created_at),
            alert_ids=[alert.id for alert, _, _ in items],
            assigned_to=next((a.assigned_to for a, _, _ in items if a.assigned_to), None),
            overdue=any(
                a.level is Level.URGENT and now - a.created_at >= deadline for a in waiting
            ),
        )
    return rows


def queue(
    uow: UnitOfWork,
    actor: Principal,
    filters: QueueFilter | None = None,
    *,
    now: datetime | None = None,
) -> list[QueueRow]:
    """The first MAX_LIMIT rows of the clinic's queue, filtered (`queue_page` for more)."""
    return queue_page(uow, actor, filters, now=now, limit=MAX_LIMIT).items


QUEUE_PAGE = 50


def queue_page(
    uow: UnitOfWork,
    actor: Principal,
    filters: QueueFilter | None = None,
    *,
    after: Sequence[Any] | None = None,
    limit: int = QUEUE_PAGE,
    now: datetime | None = None,
) -> Page[QueueRow]:
    """A page of the queue in its order (what needs attention first), from just after
    `after` (the last page's cursor): a row that moves ahead of the cursor meanwhile shows
    on the first page again, and none behind it is skipped or shown twice. Audited as one
    read of the alert list (after the reads: `uow.start_writes`)."""
    with uow.reading():
        page = queue_page_in(uow, actor, filters, after=after, limit=limit, now=now)
        uow.start_writes()  # on SQLite the write lock waits only for the audit row
        record_list_read(uow, actor)
        uow.commit()
    return page


def record_list_read(uow: UnitOfWork, actor: Principal) -> None:
    """The audit row of a read of the queue (in the caller's unit of work)."""
    clinic_id = require_staff(actor)
    audit.record(uow.session, actor, "alert.list", "alert", None, clinic_id=clinic_id)


def queue_page_in(
    uow: UnitOfWork,
    actor: Principal,
    filters: QueueFilter | None = None,
    *,
    after: Sequence[Any] | None = None,
    limit: int = QUEUE_PAGE,
    now: datetime | None = None,
) -> Page[QueueRow]:
    """`queue_page`'s reads inside the caller's unit of work, which then records the read
    (`record_list_read`) and commits. Its
    statements read `limit` + 1 rows of the queue's summary (and of the last week's missed
    check-ins once the alert rows are done) in the queue's order, then those patients'
    alerts: the same work however long the open queue is."""
    clinic_id = require_staff(actor)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("query.limit", f"limit must be from 1 to {MAX_LIMIT}")
    if after is not None:
        _check_cursor(after)
    filters = filters or QueueFilter()
    now = now or utcnow()
    session = uow.session
    entries: list[Row[int, int, datetime, int]] = []
    if after is None or after[0] == 0:
        alert_rows = entry_statement(clinic_id, filters, after and after[1:], limit + 1)
        entries = list(session.execute(alert_rows))
    missed: list[Row[datetime, int, int, str]] = []
    if len(entries) <= limit and filters == QueueFilter():
        since = after[3:] if after is not None and after[0] == 1 else None
        missed_rows = missed_statement(clinic_id, now, since, limit + 1 - len(entries))
        missed = list(session.execute(missed_rows))
    by_patient = _alert_rows(session, clinic_id, now, [entry[3] for entry in entries])
    # (position, row): an entry whose alerts were all resolved meanwhile has no row.
    rows: list[tuple[tuple[Any, ...], QueueRow]] = [
        ((0, *e), by_patient[e[3]]) for e in entries if e[3] in by_patient
    ]
    rows += [((1, 0, 0, due_at, pid), _missed_row(pid, name, due_at, day))
             for due_at, pid, day, name in missed]  # fmt: skip
    more = len(rows) > limit
    rows = rows[:limit]
    _add_names_and_unread(session, clinic_id, [row for _, row in rows])
    return Page([row for _, row in rows], rows[-1][0] if more else None)


def _missed_row(patient_id: int, name: str, due_at: datetime, day: int) -> QueueRow:
    return QueueRow(
        kind="missed",
        patient_id=patient_id,
        patient_name=name,
        level=None,
        state=None,
        alert_id=None,
        checkin_id=None,
        day=day,
        findings=[],
        newest_at=due_at,
        waiting_since=due_at,
    )


def _add_names_and_unread(session: Session, clinic_id: int, rows: list[QueueRow]) -> None:
    """The page's unread messages and assignees' names (not every login of the clinic)."""
    patients = [row.patient_id for row in rows]
    unread = {
        patient_id: count
        for patient_id, count in session.execute(
            messages.unread_query(clinic_id).where(Message.patient_id.in_(patients))
        )
    }
    assignees = {row.assigned_to for row in rows if row.assigned_to}
    names = {
        user_id: name
        for user_id, name in (
            session.execute(
                select(User.id, User.display_name).where(
                    User.clinic_id == clinic_id, User.id.in_(assignees)
                )
            )
            if assignees
            else []
        )
    }
    for row in rows:
        row.unread_messages = int(unread.get(row.patient_id, 0))
        row.assignee_name = names.get(row.assigned_to) if row.assigned_to else None


def _check_cursor(after: Sequence[Any]) -> None:
    ok = (
        len(after) == 5
        and all(isinstance(v, int) and not isinstance(v, bool) for v in (*after[:3], after[4]))
        and after[0] in (0, 1)
        and isinstance(after[3], datetime)
        and after[3].tzinfo is not None
    )
    if not ok:
        raise invalid_cursor()


def counts(uow: UnitOfWork, actor: Principal) -> QueueCounts:
    """The counts every page shows (badge, queue header, API), from one query each."""
    with uow.reading():
        return counts_in(uow.session, actor)


def counts_in(session: Session, actor: Principal) -> QueueCounts:
    """`counts` inside the caller's transaction: the queue's summary rows (one per patient)
    and the unread messages."""
    clinic_id = require_staff(actor)
    active, waiting = session.execute(
        select(func.count(), func.coalesce(func.sum(_E.waiting), 0)).where(
            _E.clinic_id == clinic_id
        )
    ).one()
    unread = session.scalar(
        select(func.count(Message.id)).where(
            Message.clinic_id == clinic_id,
            Message.from_clinic.is_(False),
            Message.read_at.is_(None),
        )
    )
    return QueueCounts(
        waiting=int(waiting or 0), active=int(active or 0), unread_messages=int(unread or 0)
    )
