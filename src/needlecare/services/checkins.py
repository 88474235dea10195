"""Daily check-ins: triage by the domain engine, stored once per idempotency key, alerting
the clinic on urgent and contact_clinic, all in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Integer, Table, and_, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from needlecare.services import audit, auth, clock, domain, notifications, protocols
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import can_see_patient, patient_for
from needlecare.storage.base import utcnow
from needlecare.storage.enums import ALERT_LEVELS, AlertState, Device, Level
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


@dataclass(frozen=True)
class _PatientFacts:
    """The patient as the submit path reads it (plain columns, no ORM object)."""

    id: int
    clinic_id: int | None
    fitzpatrick: int | None
    acne_prone: bool
    history: list[str]


@dataclass(frozen=True)
class _TreatmentFacts:
    id: int
    treatment_date: date
    depth_mm: float
    device: Device
    areas: list[str]
    fitzpatrick: int | None
    serum: str | None


_PATIENT = cast(Table, Patient.__table__)
_TREATMENT = cast(Table, Treatment.__table__)
_CHECKIN_TABLE = cast(Table, Checkin.__table__)
_ALERT_TABLE = cast(Table, Alert.__table__)
_PATIENT_COLUMNS = [_PATIENT.c[f.name] for f in fields(_PatientFacts)]
_TREATMENT_COLUMNS = [_TREATMENT.c[f.name] for f in fields(_TreatmentFacts)]

# The submit path's lookups in one statement, built once (bound parameters only, so the
# compiled form is cached): the patient, the treatment (the one asked for if it is theirs,
# else their latest), the id of an earlier check-in with the same idempotency key, the
# clinic's protocol version and both time zones. Plain columns: it runs as one statement
# without a Session (`uow.lookup`; on PostgreSQL without BEGIN and ROLLBACK round trips).
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
_SUBMIT_LOOKUP = (
    select(
        *_PATIENT_COLUMNS,
        *_TREATMENT_COLUMNS,
        _PREVIOUS_CHECKIN_ID,
        protocols.latest_version_of(Patient.clinic_id),
        clock.patient_zone_of(Patient.id),  # "today" is on the patient's wall clock
        clock.clinic_zone_of(Patient.clinic_id),
    )
    .select_from(_PATIENT)
    .outerjoin(
        _TREATMENT,
        and_(
            Treatment.patient_id == Patient.id,
            Treatment.id
            == func.coalesce(bindparam("treatment_id", type_=Integer), _LATEST_TREATMENT_ID),
        ),
    )
    .where(Patient.id == bindparam("patient_id"))
)
_INSERT_CHECKIN = insert(_CHECKIN_TABLE).returning(_CHECKIN_TABLE.c.id)
_CHECKIN_VALUES = (
    "patient_id",
    "treatment_id",
    "idempotency_key",
    "day",
    "level",
    "phase",
    "triage_input",
    "triage_result",
    "protocol_version",
    "created_by",
    "created_at",
)
# PostgreSQL: the check-in and its audit row in one statement (a data-modifying CTE), atomic
# by itself: one round trip instead of four (BEGIN, two INSERTs, COMMIT). SQLite has no
# INSERT inside WITH, so there the two INSERTs share a short transaction.
_NEW_CHECKIN = (
    insert(_CHECKIN_TABLE)
    .values({name: bindparam(name, type_=_CHECKIN_TABLE.c[name].type) for name in _CHECKIN_VALUES})
    .returning(_CHECKIN_TABLE.c.id)
    .cte("new_checkin")
)
_INSERT_CHECKIN_AUDITED = select(_NEW_CHECKIN.c.id).add_cte(
    audit.insert_after(_NEW_CHECKIN.c.id).cte("audited")
)
_INSERT_ALERT = insert(_ALERT_TABLE).returning(_ALERT_TABLE.c.id)


@dataclass(frozen=True)
class _Found:
    patient: _PatientFacts
    treatment: _TreatmentFacts | None
    previous_id: int | None
    protocol_version: int | None
    patient_zone: str | None
    clinic_zone: str | None


def _lookup(
    uow: UnitOfWork,
    actor: Principal | auth.BearerToken,
    patient_id: int,
    treatment_id: int | None,
    key: str,
) -> tuple[Principal, _Found]:
    """The principal (a bearer token is checked in the same statement), the patient
    (NotFound unless the principal may see it), treatment or None, earlier check-in id, the
    clinic's protocol version, the patient's and the clinic's time zones."""
    principal, row = auth.lookup_as(
        uow,
        actor,
        _SUBMIT_LOOKUP,
        {"patient_id": patient_id, "treatment_id": treatment_id, "key": key},
    )
    if row is None:
        raise NotFound("patient")
    n_patient, n_treatment = len(_PATIENT_COLUMNS), len(_TREATMENT_COLUMNS)
    patient = _PatientFacts(*row[:n_patient])
    if not can_see_patient(principal, patient):
        raise NotFound("patient")
    treatment_row = row[n_patient : n_patient + n_treatment]
    treatment = _TreatmentFacts(*treatment_row) if treatment_row[0] is not None else None
    return principal, _Found(patient, treatment, *row[n_patient + n_treatment :])


def _treatment(treatment: _TreatmentFacts | None, treatment_id: int | None) -> _TreatmentFacts:
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


def _in_force(uow: UnitOfWork, clinic_id: int | None, version: int | None) -> protocols.InForce:
    known = protocols.known_in_force(uow.database_url, clinic_id, version)
    if known is not None:
        return known
    with uow.reading():  # the first check-in under this protocol version in this process
        return protocols.in_force_at(uow.session, clinic_id, version)


def _replay(uow: UnitOfWork, actor: Principal, found: _Found, now: datetime) -> CheckinOutcome:
    """The first result for a key seen before; a replay is a read of patient data, audited."""
    assert found.previous_id is not None
    with uow:
        previous = uow.session.get_one(Checkin, found.previous_id)
        outcome = CheckinOutcome(previous, False, _alert_id(uow.session, previous.id))
        audit.record_for_patient(
            uow.session, actor, "checkin.replay", "checkin", previous.id, found.patient, at=now
        )
        uow.commit()
    return outcome


def _race_winner(uow: UnitOfWork, patient_id: int, key: str) -> CheckinOutcome:
    """A concurrent request with the same key won the race (or the treatment was deleted
    meanwhile): answer with the first result."""
    with uow.reading():
        winner = _existing(uow.session, patient_id, key)
        if winner is None:
            raise NotFound("treatment")
        return CheckinOutcome(winner, False, _alert_id(uow.session, winner.id))


def _store_in_one_statement(
    uow: UnitOfWork,
    actor: Principal,
    patient: _PatientFacts,
    values: dict[str, Any],
    now: datetime,
) -> int | None:
    """The check-in and its audit row (PostgreSQL); None if its key was taken meanwhile."""
    assert set(values) == set(_CHECKIN_VALUES)
    audited = audit.params_for_patient(actor, "checkin.create", "checkin", patient, now)
    try:
        ((checkin_id,),) = uow.execute_alone(_INSERT_CHECKIN_AUDITED, {**values, **audited})
    except IntegrityError:
        return None
    return int(checkin_id)


def _store(
    uow: UnitOfWork,
    actor: Principal,
    patient: _PatientFacts,
    values: dict[str, Any],
    now: datetime,
    alerting: bool,
) -> tuple[int | None, int | None]:
    """The check-in, its alert and outbox rows if `alerting`, and its audit row, in one short
    transaction: (check-in id, alert id); (None, None) if its key was taken meanwhile."""
    alert_id = None
    with uow.writing() as connection:
        try:
            checkin_id = connection.execute(_INSERT_CHECKIN, values).scalar_one()
        except IntegrityError:
            return None, None
        if alerting:
            assert patient.clinic_id is not None
            alert_id = connection.execute(
                _INSERT_ALERT,
                {
                    "clinic_id": patient.clinic_id,
                    "patient_id": patient.id,
                    "checkin_id": checkin_id,
                    "level": values["level"],
                    "state": AlertState.OPEN,
                    "created_at": now,
                    "findings": values["triage_result"].get("findings", []),
                },
            ).scalar_one()
            notifications.enqueue_checkin_alert(  # same transaction: the outbox
                connection, alert_id, patient.clinic_id, patient.id, now
            )
        audit.record_for_patient(
            connection, actor, "checkin.create", "checkin", checkin_id, patient, at=now
        )
        connection.commit()
    return checkin_id, alert_id


def submit_checkin(
    uow: UnitOfWork,
    actor: Principal | auth.BearerToken,
    patient_id: int,
    data: CheckinCreate,
    *,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> CheckinOutcome:
    """Validate, triage and store a check-in; the same key twice stores it once.

    The lookups in one statement, the triage (pure) outside any transaction, then the
    INSERTs in one short Core transaction: on SQLite the write lock is held only for them.
    A check-in with the same key that lands in between is caught by the unique (patient,
    key) constraint.
    """
    key = _check_key(idempotency_key)
    now = now or utcnow()
    actor, found = _lookup(uow, actor, patient_id, data.treatment_id, key)
    if found.previous_id is not None:
        return _replay(uow, actor, found, now)
    patient = found.patient
    treatment = _treatment(found.treatment, data.treatment_id)
    in_force = _in_force(uow, patient.clinic_id, found.protocol_version)
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
    alerting = level in ALERT_LEVELS and patient.clinic_id is not None
    if uow.dialect_name == "postgresql" and not alerting:
        checkin_id, alert_id = _store_in_one_statement(uow, actor, patient, values, now), None
    else:
        checkin_id, alert_id = _store(uow, actor, patient, values, now, alerting)
    if checkin_id is None:
        return _race_winner(uow, patient.id, key)
    # The stored row as an object (marked as loaded), without reading it back.
    checkin = Checkin(id=checkin_id, **values)
    make_transient_to_detached(checkin)
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
