"""Daily check-ins: triage by the domain engine, stored once per idempotency key, alerting
the clinic on urgent and contact_clinic, all in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Integer, Table, and_, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from needlecare.services import audit, clock, domain, notifications, protocols
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import can_see_patient, patient_for
from needlecare.storage.base import utcnow
from needlecare.storage.enums import ALERT_LEVELS, Level
from needlecare.storage.models import (
    Alert,
    Checkin,
    Patient,
    Treatment,
)
from needlecare.storage.uow import UnitOfWork

MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class CheckinCreate:
    """What the patient answers; treatment, profile and day come from the stored record."""

    symptoms: dict[str, Any]
    products: list[str] = field(default_factory=list)
    treatment_id: int | None = None  # default: the patient's latest treatment


@dataclass(frozen=True)
class CheckinOutcome:
    checkin: Checkin
    created: bool  # False when the idempotency key was seen before (first result returned)
    alert_id: int | None


def _existing(session: Session, patient_id: int, key: str) -> Checkin | None:
    return session.scalar(
        select(Checkin).where(Checkin.patient_id == patient_id, Checkin.idempotency_key == key)
    )


def _alert_id(session: Session, checkin_id: int) -> int | None:
    return session.scalar(select(Alert.id).where(Alert.checkin_id == checkin_id))


# The submit path's lookups in one statement, built once (bound parameters only, so the
# compiled form is cached): the patient, the treatment (the one asked for if it is theirs,
# else their latest) and the id of an earlier check-in with the same idempotency key.
_LATEST_TREATMENT_ID = (
    select(Treatment.id)
    .where(Treatment.patient_id == Patient.id)
    .order_by(Treatment.treatment_date.desc(), Treatment.id.desc())
    .limit(1)
    .correlate(Patient)
    .scalar_subquery()
)
_PREVIOUS_CHECKIN_ID = (
    select(Checkin.id)
    .where(Checkin.patient_id == Patient.id, Checkin.idempotency_key == bindparam("key"))
    .correlate(Patient)
    .scalar_subquery()
)
_CHECKIN_TABLE = cast(Table, Checkin.__table__)
_INSERT_CHECKIN = insert(_CHECKIN_TABLE).returning(_CHECKIN_TABLE.c.id)
_SUBMIT_LOOKUP = (
    select(
        Patient,
        Treatment,
        _PREVIOUS_CHECKIN_ID,
        protocols.latest_version_of(Patient.clinic_id),
        clock.patient_zone_of(Patient.id),  # "today" is on the patient's wall clock
        clock.clinic_zone_of(Patient.clinic_id),
    )
    .outerjoin(
        Treatment,
        and_(
            Treatment.patient_id == Patient.id,
            Treatment.id
            == func.coalesce(bindparam("treatment_id", type_=Integer), _LATEST_TREATMENT_ID),
        ),
    )
    .where(Patient.id == bindparam("patient_id"))
)


@dataclass(frozen=True)
class _Found:
    patient: Patient
    treatment: Treatment | None
    previous_id: int | None
    protocol_version: int | None
    patient_zone: str | None
    clinic_zone: str | None


def _lookup(
    session: Session, actor: Principal, patient_id: int, treatment_id: int | None, key: str
) -> _Found:
    """Patient (NotFound unless `actor` may see it), treatment or None, earlier check-in id,
    the clinic's protocol version, the patient's and the clinic's time zones."""
    row = session.execute(
        _SUBMIT_LOOKUP, {"patient_id": patient_id, "treatment_id": treatment_id, "key": key}
    ).one_or_none()
    if row is None or not can_see_patient(actor, row[0]):
        raise NotFound("patient")
    return _Found(*row)


def _treatment(treatment: Treatment | None, treatment_id: int | None) -> Treatment:
    if treatment is not None:
        return treatment
    if treatment_id is not None:
        raise NotFound("treatment")
    raise Invalid.field("treatment_id", "record the treatment first")


def _check_key(key: str | None) -> str:
    if key is None:
        return uuid.uuid4().hex
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Invalid.field("idempotency_key", f"use 1 to {MAX_KEY_LENGTH} printable characters")
    return key


def submit_checkin(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    data: CheckinCreate,
    *,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> CheckinOutcome:
    """Validate, triage and store a check-in; the same key twice stores it once.

    Two short transactions: the lookups in a read-only one, the triage (pure) outside any, then
    the writes. On SQLite the write lock is held only for the INSERTs; a check-in with the same
    key that lands in between is caught by the unique (patient, key) constraint.
    """
    key = _check_key(idempotency_key)
    now = now or utcnow()
    with uow.reading():
        found = _lookup(uow.session, actor, patient_id, data.treatment_id, key)
        patient = found.patient
        if found.previous_id is not None:
            previous = uow.session.get_one(Checkin, found.previous_id)
            replay = CheckinOutcome(previous, False, _alert_id(uow.session, previous.id))
        else:
            replay = None
            treatment = _treatment(found.treatment, data.treatment_id)
            in_force = protocols.in_force_at(uow.session, patient.clinic_id, found.protocol_version)
    if replay is not None:
        with uow:  # a replay is a read of patient data: audited like one
            audit.record_for_patient(
                uow.session, actor, "checkin.replay", "checkin", replay.checkin.id, patient, at=now
            )
            uow.commit()
        return replay
    today = clock.local_today(now, found.patient_zone, found.clinic_zone)
    day = (today - treatment.treatment_date).days
    if day < 0:
        raise Invalid.field("treatment_id", "this treatment is dated after today")
    payload: dict[str, Any] = {
        "treatment": domain.treatment_document(treatment),
        "profile": domain.profile_document(patient, treatment),
        "day": day,
        "symptoms": data.symptoms,
    }
    if data.products:
        payload["products"] = list(data.products)
    result = domain.triage(payload, today)
    level = Level(result["level"])
    values: dict[str, Any] = dict(
        patient_id=patient.id,
        treatment_id=treatment.id,
        idempotency_key=key,
        day=day,
        level=level,
        phase=str(result.get("phase", ""))[:100],
        triage_input=payload,
        triage_result=result,
        protocol_version=in_force.version,
        created_by=actor.user_id,
        created_at=now,
    )
    with uow:
        session = uow.session
        try:
            # A Core INSERT .. RETURNING id: the ORM flush machinery costs several times more
            # for one row. The object is then marked as loaded, like one read back.
            checkin_id = session.execute(_INSERT_CHECKIN, values).scalar_one()
        except IntegrityError:
            # A concurrent request with the same key won the race (or the treatment was
            # deleted meanwhile): answer with the first result.
            session.rollback()
            winner = _existing(session, patient.id, key)
            if winner is None:
                raise NotFound("treatment") from None
            return CheckinOutcome(winner, False, _alert_id(session, winner.id))
        checkin = Checkin(id=checkin_id, **values)
        make_transient_to_detached(checkin)
        alert_id = None
        if level in ALERT_LEVELS and patient.clinic_id is not None:
            alert = Alert(
                clinic_id=patient.clinic_id,
                patient_id=patient.id,
                checkin_id=checkin.id,
                level=level,
                created_at=now,
            )
            session.add(alert)
            session.flush()
            alert_id = alert.id
            notifications.enqueue_checkin_alert(session, alert, now)  # same transaction
        audit.record_for_patient(
            session, actor, "checkin.create", "checkin", checkin_id, patient, at=now
        )
        uow.commit()
        return CheckinOutcome(checkin, True, alert_id)


def list_checkins(
    uow: UnitOfWork, actor: Principal, patient_id: int, *, limit: int = 200
) -> Sequence[Checkin]:
    """A patient's check-ins, oldest first (trend charts read them in order)."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        rows = uow.session.scalars(
            select(Checkin)
            .where(Checkin.patient_id == patient.id)
            .order_by(Checkin.created_at.desc(), Checkin.id.desc())
            .limit(limit)
        ).all()
        audit.record_for_patient(uow.session, actor, "checkin.list", "patient", patient.id, patient)
        uow.commit()
        return list(reversed(rows))


def get_checkin(uow: UnitOfWork, actor: Principal, patient_id: int, checkin_id: int) -> Checkin:
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        checkin = uow.session.get(Checkin, checkin_id)
        if checkin is None or checkin.patient_id != patient.id:
            raise NotFound("check-in")
        audit.record_for_patient(uow.session, actor, "checkin.read", "checkin", checkin.id, patient)
        uow.commit()
        return checkin
