"""The clinic's alert queue: one row per patient (their highest unresolved level, the newest
red flag first), then missed check-ins as their own lower rows; assignment; and the counts
every page and the API show (one function, so they always agree)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from needlecare.services import audit, messages
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.pagination import MAX_LIMIT, Page, invalid_cursor
from needlecare.services.principal import Principal
from needlecare.services.scope import alert_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.enums import AlertState, Level, Role
from needlecare.storage.models import Alert, Checkin, Clinic, Message, Patient, User
from needlecare.storage.models.jobs import EventKind, EventOutcome, ReminderEvent
from needlecare.storage.uow import UnitOfWork

ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)
MISSED_LOOKBACK = timedelta(days=7)
STAFF_ROLES = (Role.ADMIN, Role.CLINICIAN)


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


def _ack_minutes(uow: UnitOfWork, clinic_id: int) -> int:
    clinic = uow.session.get(Clinic, clinic_id)
    return clinic.urgent_ack_minutes if clinic is not None else 30


def _alert_rows(uow: UnitOfWork, clinic_id: int, now: datetime) -> list[QueueRow]:
    alerts = uow.session.execute(
        select(Alert, Patient.display_name, Checkin.day)
        .join(Patient, Patient.id == Alert.patient_id)
        .join(Checkin, Checkin.id == Alert.checkin_id)
        .where(Alert.clinic_id == clinic_id, Alert.state.in_(ACTIVE_STATES))
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    ).all()
    deadline = timedelta(minutes=_ack_minutes(uow, clinic_id))
    by_patient: dict[int, list[tuple[Alert, str, int]]] = {}
    for alert, name, day in alerts:  # newest first
        by_patient.setdefault(alert.patient_id, []).append((alert, name, day))
    rows = []
    for patient_id, items in by_patient.items():
        top = max(alert.level.rank for alert, _, _ in items)
        # The row opens the newest alert at the patient's highest level.
        lead, name, day = next(item for item in items if item[0].level.rank == top)
        waiting = [alert for alert, _, _ in items if alert.state is AlertState.OPEN]
        rows.append(
            QueueRow(
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
        )
    return rows


def _missed_rows(uow: UnitOfWork, clinic_id: int, now: datetime, skip: set[int]) -> list[QueueRow]:
    # The patient's newest check-in from its summary column (kept with each check-in), not
    # a max over every clinic's check-ins.
    events = uow.session.execute(
        select(ReminderEvent, Patient.display_name, Patient.last_checkin_at)
        .join(Patient, Patient.id == ReminderEvent.patient_id)
        .where(
            ReminderEvent.clinic_id == clinic_id,
            ReminderEvent.kind == EventKind.MISSED_CHECKIN,
            ReminderEvent.outcome != EventOutcome.SUPPRESSED,
            ReminderEvent.due_at >= now - MISSED_LOOKBACK,
        )
        .order_by(ReminderEvent.due_at.desc())
    ).all()
    rows: dict[int, QueueRow] = {}
    for event, name, last_checkin_at in events:
        if event.patient_id in skip or event.patient_id in rows:
            continue
        if last_checkin_at is not None and last_checkin_at >= event.due_at:
            continue  # they checked in since
        rows[event.patient_id] = QueueRow(
            kind="missed",
            patient_id=event.patient_id,
            patient_name=name,
            level=None,
            state=None,
            alert_id=None,
            checkin_id=None,
            day=event.due_day,
            findings=[],
            newest_at=event.due_at,
            waiting_since=event.due_at,
        )
    return list(rows.values())


def _sort_key(row: QueueRow) -> tuple[int, int, int, float, int]:
    # Alerts before missed check-ins; among alerts, unacknowledged first, then the highest
    # level, then the newest red flag first (a fresh fever with pus must not wait behind
    # older alerts of the same level); the patient last, so that a cursor is exact.
    return _key(_position(row))


def _position(row: QueueRow) -> tuple[int, int, int, datetime, int]:
    """Where a row sits in the queue, as a page's cursor keeps it."""
    if row.kind == "missed":
        return (1, 0, 0, row.newest_at, row.patient_id)
    state_rank = 0 if row.state is AlertState.OPEN else 1
    level_rank = -(row.level.rank if row.level else 0)
    return (0, state_rank, level_rank, row.newest_at, row.patient_id)


def _key(position: Sequence[Any]) -> tuple[int, int, int, float, int]:
    kind, state_rank, level_rank, newest_at, patient_id = position
    return (kind, state_rank, level_rank, -newest_at.timestamp(), patient_id)


def queue(
    uow: UnitOfWork,
    actor: Principal,
    filters: QueueFilter | None = None,
    *,
    now: datetime | None = None,
    include_missed: bool = True,
) -> list[QueueRow]:
    """The clinic's queue, filtered; audited as one read of the alert list. Its size is the
    clinic's open work (unresolved alerts, the last week's missed check-ins), not its
    history: every read is by an index on the clinic's open rows."""
    with uow.reading():
        rows = queue_in(uow, actor, filters, now=now, include_missed=include_missed)
        uow.start_writes()  # on SQLite the write lock waits only for the audit row
        record_list_read(uow, actor)
        uow.commit()
    return rows


def queue_in(
    uow: UnitOfWork,
    actor: Principal,
    filters: QueueFilter | None = None,
    *,
    now: datetime | None = None,
    include_missed: bool = True,
) -> list[QueueRow]:
    """`queue`'s reads inside the caller's unit of work, which then records the read
    (`record_list_read`) and commits."""
    clinic_id = require_staff(actor)
    filters = filters or QueueFilter()
    now = now or utcnow()
    rows = _alert_rows(uow, clinic_id, now)
    if include_missed and filters == QueueFilter():
        rows += _missed_rows(uow, clinic_id, now, {row.patient_id for row in rows})
    unread = dict(uow.session.execute(messages.unread_query(clinic_id)).all())
    # Only the assignees' names (not every login of the clinic, its patients' included).
    assignees = {row.assigned_to for row in rows if row.assigned_to}
    names = dict(
        uow.session.execute(
            select(User.id, User.display_name).where(
                User.clinic_id == clinic_id, User.id.in_(assignees)
            )
        ).all()
        if assignees
        else []
    )
    for row in rows:
        row.unread_messages = int(unread.get(row.patient_id, 0))
        row.assignee_name = names.get(row.assigned_to) if row.assigned_to else None
    rows = [row for row in rows if _matches(row, filters)]
    return sorted(rows, key=_sort_key)


def record_list_read(uow: UnitOfWork, actor: Principal) -> None:
    """The audit row of a read of the queue (in the caller's unit of work)."""
    clinic_id = require_staff(actor)
    audit.record(uow.session, actor, "alert.list", "alert", None, clinic_id=clinic_id)


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
    on the first page again, and none behind it is skipped or shown twice."""
    return page_of(queue(uow, actor, filters, now=now), after, limit)


def page_of(
    rows: list[QueueRow], after: Sequence[Any] | None, limit: int = QUEUE_PAGE
) -> Page[QueueRow]:
    """The page of the queue's `rows` that follows `after` (see `queue_page`)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("query.limit", f"limit must be from 1 to {MAX_LIMIT}")
    start = _cursor_key(after) if after is not None else None
    if start is not None:
        rows = [row for row in rows if _sort_key(row) > start]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, _position(rows[-1]) if more else None)


def _cursor_key(after: Sequence[Any]) -> tuple[int, int, int, float, int]:
    ok = (
        len(after) == 5
        and all(isinstance(v, int) and not isinstance(v, bool) for v in (*after[:3], after[4]))
        and isinstance(after[3], datetime)
        and after[3].tzinfo is not None
    )
    if not ok:
        raise invalid_cursor()
    return _key(after)


def _matches(row: QueueRow, filters: QueueFilter) -> bool:
    if filters.level is not None and row.level is not filters.level:
        return False
    if filters.state is not None and row.state is not filters.state:
        return False
    return filters.assigned_to is None or row.assigned_to == filters.assigned_to


def counts(uow: UnitOfWork, actor: Principal) -> QueueCounts:
    """The counts every page shows (badge, queue header, API), from one query each."""
    with uow.reading():
        return counts_in(uow.session, actor)


def counts_in(session: Session, actor: Principal) -> QueueCounts:
    """`counts` inside the caller's transaction."""
    clinic_id = require_staff(actor)
    per_state = dict(
        session.execute(
            select(Alert.state, func.count(func.distinct(Alert.patient_id)))
            .where(Alert.clinic_id == clinic_id, Alert.state.in_(ACTIVE_STATES))
            .group_by(Alert.state)
        ).all()
    )
    active = session.scalar(
        select(func.count(func.distinct(Alert.patient_id))).where(
            Alert.clinic_id == clinic_id, Alert.state.in_(ACTIVE_STATES)
        )
    )
    unread = session.scalar(
        select(func.count(Message.id)).where(
            Message.clinic_id == clinic_id,
            Message.from_clinic.is_(False),
            Message.read_at.is_(None),
        )
    )
    return QueueCounts(
        waiting=int(per_state.get(AlertState.OPEN, 0)),
        active=int(active or 0),
        unread_messages=int(unread or 0),
    )


def clinicians(uow: UnitOfWork, actor: Principal) -> Sequence[tuple[int, str]]:
    """(user id, name) of the clinic's active staff: whom an alert can be assigned to."""
    clinic_id = require_staff(actor)
    with uow.reading():
        return clinicians_in(uow.session, clinic_id)


def clinicians_in(session: Session, clinic_id: int) -> list[tuple[int, str]]:
    """`clinicians` inside the caller's transaction."""
    return [
        (user_id, name)
        for user_id, name in session.execute(
            select(User.id, User.display_name)
            .where(
                User.clinic_id == clinic_id,
                User.is_active.is_(True),
                User.role.in_(STAFF_ROLES),
            )
            .order_by(User.display_name, User.id)
        ).all()
    ]


def assign(uow: UnitOfWork, actor: Principal, alert_id: int, assignee_id: int | None) -> list[int]:
    """Assign the patient's row (all their unresolved alerts) to a staff member of the clinic,
    or unassign it (None). Returns the alert ids changed."""
    clinic_id = require_staff(actor)
    with uow:
        alert = alert_for(uow.session, actor, alert_id)
        if assignee_id is not None:
            assignee = uow.session.get(User, assignee_id)
            if (
                assignee is None
                or assignee.clinic_id != clinic_id
                or assignee.role not in STAFF_ROLES
                or not assignee.is_active
            ):
                raise Invalid.field("assignee_id", "choose a member of this clinic's staff")
        ids = list(
            uow.session.scalars(
                select(Alert.id).where(
                    Alert.patient_id == alert.patient_id,
                    Alert.clinic_id == clinic_id,
                    Alert.state.in_(ACTIVE_STATES),
                )
            )
        )
        if not ids:
            raise NotFound("unresolved alert")
        uow.session.execute(update(Alert).where(Alert.id.in_(ids)).values(assigned_to=assignee_id))
        audit.record(
            uow.session,
            actor,
            "alert.assign",
            "alert",
            alert.id,
            clinic_id=clinic_id,
            patient_id=alert.patient_id,
        )
        uow.commit()
        return ids


def acknowledge_row(
    uow: UnitOfWork, actor: Principal, alert_id: int, *, now: datetime | None = None
) -> list[int]:
    """Acknowledge the patient's row: every open alert of that patient (the clinician has
    seen the patient's state, not one check-in of it). Returns the alert ids acknowledged."""
    clinic_id = require_staff(actor)
    now = now or utcnow()
    with uow:
        alert = alert_for(uow.session, actor, alert_id)
        waiting = list(
            uow.session.scalars(
                select(Alert).where(
                    Alert.patient_id == alert.patient_id,
                    Alert.clinic_id == clinic_id,
                    Alert.state == AlertState.OPEN,
                )
            )
        )
        for each in waiting:
            each.state = AlertState.ACKNOWLEDGED
            each.acknowledged_at, each.acknowledged_by = now, actor.user_id
            audit.record(
                uow.session,
                actor,
                "alert.acknowledge",
                "alert",
                each.id,
                clinic_id=clinic_id,
                patient_id=each.patient_id,
            )
        uow.commit()
        return [each.id for each in waiting]
