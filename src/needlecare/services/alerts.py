"""The clinic's alert queue: open urgent/contact_clinic first, then by urgency, then age."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select

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
class AlertView:
    alert: Alert
    patient_name: str
    day: int
    findings: list[dict[str, str]]


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
    state_order = case(
        (Alert.state == AlertState.OPEN, 0), (Alert.state == AlertState.ACKNOWLEDGED, 1), else_=2
    )
    level_order = case((Alert.level == Level.URGENT, 0), else_=1)
    with uow:
        rows = uow.session.execute(
            select(Alert, Patient.display_name, Checkin.day, Checkin.triage_result)
            .join(Patient, Patient.id == Alert.patient_id)
            .join(Checkin, Checkin.id == Alert.checkin_id)
            .where(Alert.clinic_id == clinic_id, Alert.state.in_(list(states)))
            .order_by(state_order, level_order, Alert.created_at, Alert.id)
            .limit(limit)
        ).all()
        audit.record(uow.session, actor, "alert.list", "alert", None, clinic_id=clinic_id)
        uow.commit()
    return [
        AlertView(
            alert=a, patient_name=name, day=day, findings=list((result or {}).get("findings", []))
        )
        for a, name, day, result in rows
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
