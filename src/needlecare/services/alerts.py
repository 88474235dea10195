"""The clinic's alert queue: open urgent/contact_clinic first, then by urgency, then age."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, case, select

from needlecare.services import audit
from needlecare.services.errors import Conflict, Invalid
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


# Built once with bound parameters (building a statement of this size costs more than
# running it; the compiled form is then cached).
_QUEUE = (
    select(
        Alert.id,
        Alert.clinic_id,
        Alert.patient_id,
        Alert.checkin_id,
        Alert.level,
        Alert.state,
        Alert.created_at,
        Alert.acknowledged_at,
        Alert.acknowledged_by,
        Alert.resolved_at,
        Alert.resolved_by,
        Alert.resolution_note,
        Patient.display_name,
        Checkin.day,
        Checkin.triage_result,
    )
    .join(Patient, Patient.id == Alert.patient_id)
    .join(Checkin, Checkin.id == Alert.checkin_id)
    .where(
        Alert.clinic_id == bindparam("clinic_id"),
        Alert.state.in_(bindparam("states", expanding=True)),
    )
    .order_by(
        case(
            (Alert.state == AlertState.OPEN, 0),
            (Alert.state == AlertState.ACKNOWLEDGED, 1),
            else_=2,
        ),
        case((Alert.level == Level.URGENT, 0), else_=1),
        Alert.created_at,
        Alert.id,
    )
    .limit(bindparam("limit"))
)


def alert_queue(
    uow: UnitOfWork,
    actor: Principal,
    *,
    states: Sequence[AlertState] = ACTIVE_STATES,
    limit: int = 50,
) -> list[AlertView]:
    """The clinic's alerts: not yet acknowledged first, urgent before contact_clinic, oldest
    first within a level."""
    clinic_id = require_staff(actor)
    with uow.reading():
        rows = uow.session.execute(
            _QUEUE, {"clinic_id": clinic_id, "states": list(states), "limit": limit}
        ).all()
    with uow:  # the read is audited (a short write: no lock held while reading)
        audit.record(uow.session, actor, "alert.list", "alert", None, clinic_id=clinic_id)
        uow.commit()
    return [
        AlertView(
            alert=AlertRow(*cast(tuple[Any, ...], row[:12])),
            patient_name=row[12],
            day=row[13],
            findings=list((row[14] or {}).get("findings", [])),
        )
        for row in rows
    ]


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
