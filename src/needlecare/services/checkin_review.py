"""What a clinician needs to review one check-in: the check-in, the one before it, its alert
(if it raised one) and the photos taken with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from needlecare.services import audit
from needlecare.services.errors import NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import alert_for, patient_for, require_staff
from needlecare.storage.models import Alert, Checkin, Photo
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class CheckinReview:
    checkin: Checkin
    previous: Checkin | None
    alert: Alert | None
    photos: Sequence[Photo]


def review(uow: UnitOfWork, actor: Principal, patient_id: int, checkin_id: int) -> CheckinReview:
    require_staff(actor)
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        checkin = uow.session.get(Checkin, checkin_id)
        if checkin is None or checkin.patient_id != patient.id:
            raise NotFound("check-in")
        previous = uow.session.scalars(
            select(Checkin)
            .where(
                Checkin.patient_id == patient.id,
                (Checkin.created_at < checkin.created_at)
                | ((Checkin.created_at == checkin.created_at) & (Checkin.id < checkin.id)),
            )
            .order_by(Checkin.created_at.desc(), Checkin.id.desc())
            .limit(1)
        ).first()
        alert = uow.session.scalars(select(Alert).where(Alert.checkin_id == checkin.id)).first()
        photos = uow.session.scalars(
            select(Photo).where(Photo.checkin_id == checkin.id).order_by(Photo.id)
        ).all()
        audit.record_for_patient(uow.session, actor, "checkin.read", "checkin", checkin.id, patient)
        uow.commit()
        return CheckinReview(checkin, previous, alert, photos)


def alert_checkin(uow: UnitOfWork, actor: Principal, alert_id: int) -> tuple[int, int]:
    """(patient id, check-in id) of an alert of the actor's clinic: where its page is."""
    with uow.reading():
        alert = alert_for(uow.session, actor, alert_id)
        return alert.patient_id, alert.checkin_id
