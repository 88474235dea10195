"""Urgent alerts nobody acknowledged in time: once per alert, an email to the clinic's
admins. "Once" across workers: the worker whose conditional UPDATE marks the alert is the one
that queues the emails, in the same transaction (and the outbox's dedupe key backs it up)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from needlecare.services.notifications import enqueue
from needlecare.storage.enums import AlertState, Level, Role
from needlecare.storage.models import Alert, Clinic, User
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork

log = logging.getLogger("needlecare.jobs.overdue")


def _admins(session: Session, clinic_id: int) -> list[tuple[int, str]]:
    rows = session.execute(
        select(User.id, User.email)
        .where(User.clinic_id == clinic_id, User.is_active.is_(True), User.role == Role.ADMIN)
        .order_by(User.id)
    ).all()
    return [(user_id, email) for user_id, email in rows]


def notify_overdue_urgent(factory: sessionmaker[Session], now: datetime) -> int:
    """Queue the overdue emails that are due; returns how many alerts were escalated."""
    with UnitOfWork(factory).reading() as uow:
        candidates = uow.session.execute(
            select(Alert.id, Alert.clinic_id, Alert.patient_id, Alert.created_at)
            .join(Clinic, Clinic.id == Alert.clinic_id)
            .where(
                Alert.level == Level.URGENT,
                Alert.state == AlertState.OPEN,
                Alert.overdue_notified_at.is_(None),
            )
            .add_columns(Clinic.urgent_ack_minutes)
        ).all()
    escalated = 0
    for alert_id, clinic_id, patient_id, created_at, minutes in candidates:
        if now - created_at < timedelta(minutes=minutes):
            continue
        with UnitOfWork(factory) as uow:
            claimed = uow.session.execute(
                update(Alert)
                .where(
                    Alert.id == alert_id,
                    Alert.state == AlertState.OPEN,
                    Alert.overdue_notified_at.is_(None),
                )
                .values(overdue_notified_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker got there first, or it was acknowledged meanwhile
            for user_id, email in _admins(uow.session, clinic_id):
                enqueue(
                    uow.session,
                    kind=MessageKind.URGENT_OVERDUE,
                    recipient=email,
                    dedupe_key=f"overdue:{alert_id}:user:{user_id}",
                    payload={"alert_id": alert_id},
                    clinic_id=clinic_id,
                    patient_id=patient_id,
                    now=now,
                )
            uow.commit()
            escalated += 1
            log.info("urgent alert %s not acknowledged in time: admins emailed", alert_id)
    return escalated
