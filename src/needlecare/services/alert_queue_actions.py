"""What staff do to the clinic's alert queue: assign a patient's row to a colleague (whom:
`clinicians`) and acknowledge it. Reading the queue and its counts: `alert_queue`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from needlecare.services import audit, queue_entries
from needlecare.services.alert_queue import ACTIVE_STATES
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import alert_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.enums import AlertState, Role
from needlecare.storage.models import Alert, User
from needlecare.storage.uow import UnitOfWork

STAFF_ROLES = (Role.ADMIN, Role.CLINICIAN)


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
        queue_entries.refresh(uow.session, [alert.patient_id])
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
        queue_entries.refresh(uow.session, [alert.patient_id])
        uow.commit()
        return [each.id for each in waiting]
