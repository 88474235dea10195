"""The clinic's alert queue: open urgent/contact_clinic first, then by urgency, then age."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Integer, Select, Table, bindparam, case, select, tuple_

from needlecare.services import audit, auth, queue_entries, roster
from needlecare.services.auth import BearerToken
from needlecare.services.errors import Conflict, Invalid
from needlecare.services.pagination import MAX_LIMIT, Page, invalid_cursor
from needlecare.services.principal import Principal
from needlecare.services.scope import alert_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.enums import AlertState, Level
from needlecare.storage.models import Alert, Checkin, Patient
from needlecare.storage.uow import UnitOfWork

MAX_NOTE_LENGTH = 5000
ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


@dataclass(frozen=True)
class AlertRow:
    """An alert as the queue reads it: plain columns (an ORM object per row costs more than
    the query)."""

    id: int
    clinic_id: int
    patient_id: int
    checkin_id: int
    level: Level
    state: AlertState
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    resolved_at: datetime | None
    resolved_by: int | None
    resolution_note: str | None


@dataclass(frozen=True)
class AlertView:
    alert: AlertRow
    patient_name: str
    day: int
    findings: list[dict[str, str]]


# Built once with bound parameters (the compiled form is then cached), on the tables'
# columns: a Core statement.
_A = cast(Table, Alert.__table__).c
_P = cast(Table, Patient.__table__).c
_C = cast(Table, Checkin.__table__).c
_ALERT_COLUMNS = [
    _A.id,
    _A.clinic_id,
    _A.patient_id,
    _A.checkin_id,
    _A.level,
    _A.state,
    _A.created_at,
    _A.acknowledged_at,
    _A.acknowledged_by,
    _A.resolved_at,
    _A.resolved_by,
    _A.resolution_note,
]
# The page first, from narrow rows (an alert's id and sort keys): a database joins and sorts
# whole rows otherwise, findings included, for every open alert of the clinic. Then the
# page's rows with their patient and check-in. The sort keys are all ascending, so the next
# page starts after the last row's keys (a cursor: services.pagination).
_STATE_RANK = case(
    (_A.state == AlertState.OPEN, 0),
    (_A.state == AlertState.ACKNOWLEDGED, 1),
    else_=2,
)
_LEVEL_RANK = case((_A.level == Level.URGENT, 0), else_=1)


def _queue_statement(paged: bool) -> Select[Any]:
    page = select(
        _A.id,
        _STATE_RANK.label("state_rank"),
        _LEVEL_RANK.label("level_rank"),
        _A.created_at,
    ).where(
        _A.clinic_id == bindparam("clinic_id"),
        _A.state.in_(bindparam("states", expanding=True)),
    )
    if paged:
        page = page.where(
            tuple_(_STATE_RANK, _LEVEL_RANK, _A.created_at, _A.id)
            > tuple_(
                bindparam("after_state", type_=Integer),
                bindparam("after_level", type_=Integer),
                bindparam("after_at", type_=_A.created_at.type),
                bindparam("after_id", type_=Integer),
            )
        )
    subquery = (
        page.order_by("state_rank", "level_rank", _A.created_at, _A.id)
        .limit(bindparam("limit"))
        .subquery("page")
    )
    return (
        select(*_ALERT_COLUMNS, _P.display_name, _C.day, _A.findings)
        .select_from(subquery)
        .join(Alert.__table__, _A.id == subquery.c.id)
        .join(Patient.__table__, _P.id == _A.patient_id)
        .join(Checkin.__table__, _C.id == _A.checkin_id)
        .order_by(
            subquery.c.state_rank, subquery.c.level_rank, subquery.c.created_at, subquery.c.id
        )
    )


# Built once with bound parameters (the compiled form is then cached).
_QUEUE = _queue_statement(paged=False)
_QUEUE_AFTER = _queue_statement(paged=True)


def _position(view: AlertView) -> tuple[Any, ...]:
    state_rank = {AlertState.OPEN: 0, AlertState.ACKNOWLEDGED: 1}.get(view.alert.state, 2)
    level_rank = 0 if view.alert.level is Level.URGENT else 1
    return (state_rank, level_rank, view.alert.created_at, view.alert.id)


def alert_queue(
    uow: UnitOfWork,
    actor: Principal,
    *,
    states: Sequence[AlertState] = ACTIVE_STATES,
    limit: int = 50,
) -> list[AlertView]:
    """The clinic's alerts: not yet acknowledged first, urgent before contact_clinic, oldest
    first within a level."""
    return alert_page(uow, actor, states=states, limit=limit).items


def _queue_query(
    clinic_id: int, states: Sequence[AlertState], after: Sequence[Any] | None, limit: int
) -> dict[str, Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("query.limit", f"limit must be from 1 to {MAX_LIMIT}")
    query: dict[str, Any] = {"clinic_id": clinic_id, "states": list(states), "limit": limit + 1}
    if after is not None:
        if len(after) != 4 or not isinstance(after[2], datetime):
            raise invalid_cursor()
        query.update(
            after_state=after[0], after_level=after[1], after_at=after[2], after_id=after[3]
        )
    return query


def alert_page(
    uow: UnitOfWork,
    actor: Principal | BearerToken,
    *,
    states: Sequence[AlertState] = ACTIVE_STATES,
    after: Sequence[Any] | None = None,
    limit: int = 50,
) -> Page[AlertView]:
    """`alert_queue`, `limit` rows at a time after the position `after` (the last row's
    sort keys). One unit of work, a bearer token's read included (`auth.acting_in`)."""
    with uow.reading():
        principal, use = auth.acting_in(uow.session, actor)
        clinic_id = require_staff(principal)
        query = _queue_query(clinic_id, states, after, limit)
        rows = uow.session.execute(_QUEUE if after is None else _QUEUE_AFTER, query).all()
        uow.start_writes()  # on SQLite the write lock waits only for these writes
        auth.note_token_used(uow.session, use)
        audit.record(uow.session, principal, "alert.list", "alert", None, clinic_id=clinic_id)
        uow.commit()
    views = [
        AlertView(
            alert=AlertRow(*row[:12]),
            patient_name=row[12],
            day=row[13],
            findings=list(row[14] or ()),
        )
        for row in rows[:limit]
    ]
    more = len(rows) > limit
    return Page(views, _position(views[-1]) if more else None)


def acknowledge(
    uow: UnitOfWork, actor: Principal, alert_id: int, *, now: datetime | None = None
) -> Alert:
    """Mark an open alert as seen (idempotent on an acknowledged one)."""
    with uow:
        alert = alert_for(uow.session, actor, alert_id)
        if alert.state is AlertState.RESOLVED:
            raise Conflict("this alert is already resolved")
        if alert.state is AlertState.OPEN:
            alert.state = AlertState.ACKNOWLEDGED
            alert.acknowledged_at = now or utcnow()
            alert.acknowledged_by = actor.user_id
            queue_entries.refresh(uow.session, [alert.patient_id])
        audit.record(
            uow.session,
            actor,
            "alert.acknowledge",
            "alert",
            alert.id,
            clinic_id=alert.clinic_id,
            patient_id=alert.patient_id,
        )
        uow.commit()
        return alert


def resolve(
    uow: UnitOfWork, actor: Principal, alert_id: int, note: str, *, now: datetime | None = None
) -> Alert:
    """Close an alert with a note saying what was done (acknowledges it too if needed)."""
    note = note.strip()
    if not note or len(note) > MAX_NOTE_LENGTH:
        raise Invalid.field("note", f"say what was done (1 to {MAX_NOTE_LENGTH} characters)")
    now = now or utcnow()
    with uow:
        alert = alert_for(uow.session, actor, alert_id)
        if alert.state is AlertState.RESOLVED:
            raise Conflict("this alert is already resolved")
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, actor.user_id
        alert.state = AlertState.RESOLVED
        alert.resolved_at, alert.resolved_by, alert.resolution_note = now, actor.user_id, note
        uow.flush()
        roster.alerts_changed(uow.session, alert.patient_id)
        queue_entries.refresh(uow.session, [alert.patient_id])
        audit.record(
            uow.session,
            actor,
            "alert.resolve",
            "alert",
            alert.id,
            clinic_id=alert.clinic_id,
            patient_id=alert.patient_id,
        )
        uow.commit()
        return alert
