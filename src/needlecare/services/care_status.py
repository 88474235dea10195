"""What a patient must see on every page after a red flag: their highest unresolved alert
(until the clinic resolves it), how to reach the clinic, and unread messages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needlecare.services.clinic_settings import ClinicContact, contact_of
from needlecare.services.principal import Principal
from needlecare.storage.enums import AlertState, Level
from needlecare.storage.models import Alert, Clinic, Message
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PatientCareStatus:
    alert_level: Level | None  # the highest unresolved alert's level, None when none is open
    acknowledged: bool  # every unresolved alert has been seen by the clinic
    contact: ClinicContact | None
    unread_messages: int

    @property
    def needs_banner(self) -> bool:
        return self.alert_level is not None


def patient_status(uow: UnitOfWork, actor: Principal) -> PatientCareStatus:
    """Read only the actor's own rows (a patient); no audit: it is their own status."""
    with uow.reading():
        return patient_status_in(uow.session, actor)


def patient_status_in(session: Session, actor: Principal) -> PatientCareStatus:
    """`patient_status` inside the caller's transaction."""
    patient_id = actor.patient_id
    if not actor.is_patient or patient_id is None:
        return PatientCareStatus(None, False, None, 0)
    states = session.execute(
        select(Alert.level, Alert.state).where(
            Alert.patient_id == patient_id, Alert.state != AlertState.RESOLVED
        )
    ).all()
    clinic = session.get(Clinic, actor.clinic_id) if actor.clinic_id else None
    unread = session.scalar(
        select(func.count(Message.id)).where(
            Message.patient_id == patient_id,
            Message.from_clinic.is_(True),
            Message.read_at.is_(None),
        )
    )
    contact = contact_of(clinic) if clinic is not None else None
    level = max((lvl for lvl, _ in states), key=lambda lvl: lvl.rank, default=None)
    return PatientCareStatus(
        alert_level=level,
        acknowledged=bool(states) and all(s is AlertState.ACKNOWLEDGED for _, s in states),
        contact=contact,
        unread_messages=int(unread or 0),
    )
