"""The check-in submit path's SQL, built once: one statement that checks the bearer token and
reads everything the triage needs, and the writes (one statement on PostgreSQL, a short
transaction on SQLite or when an alert is raised)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Integer, Table, and_, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from needlecare.services import audit, auth, clock, notifications, protocols
from needlecare.services.errors import NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import can_see_patient
from needlecare.storage.enums import AlertState, Device
from needlecare.storage.models import Alert, Checkin, Patient, Treatment
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PatientFacts:
    """The patient as the submit path reads it (plain columns, no ORM object)."""

    id: int
    clinic_id: int | None
    fitzpatrick: int | None
    acne_prone: bool
    history: list[str]


@dataclass(frozen=True)
class TreatmentFacts:
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
_PATIENT_COLUMNS = [_PATIENT.c[f.name] for f in fields(PatientFacts)]
_TREATMENT_COLUMNS = [_TREATMENT.c[f.name] for f in fields(TreatmentFacts)]

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
class Found:
    patient: PatientFacts
    treatment: TreatmentFacts | None
    previous_id: int | None
    protocol_version: int | None
    patient_zone: str | None
    clinic_zone: str | None


def lookup(
    uow: UnitOfWork,
    actor: Principal | auth.BearerToken,
    patient_id: int,
    treatment_id: int | None,
    key: str,
) -> tuple[Principal, Found]:
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
    patient = PatientFacts(*row[:n_patient])
    if not can_see_patient(principal, patient):
        raise NotFound("patient")
    treatment_row = row[n_patient : n_patient + n_treatment]
    treatment = TreatmentFacts(*treatment_row) if treatment_row[0] is not None else None
    return principal, Found(patient, treatment, *row[n_patient + n_treatment :])


def _store_in_one_statement(
    uow: UnitOfWork,
    actor: Principal,
    patient: PatientFacts,
    values: dict[str, Any],
    now: datetime,
) -> int | None:
    """The check-in and its audit row (PostgreSQL); None if its key was taken meanwhile."""
    audited = audit.params_for_patient(actor, "checkin.create", "checkin", patient, now)
    try:
        ((checkin_id,),) = uow.execute_alone(_INSERT_CHECKIN_AUDITED, {**values, **audited})
    except IntegrityError:
        return None
    return int(checkin_id)


def _store_in_a_transaction(
    uow: UnitOfWork,
    actor: Principal,
    patient: PatientFacts,
    values: dict[str, Any],
    now: datetime,
    alerting: bool,
) -> tuple[int | None, int | None]:
    """The check-in, its alert and outbox rows if `alerting`, and its audit row, in one short
    transaction (SQLite has no INSERT inside WITH): (check-in id, alert id); (None, None) if
    its key was taken meanwhile."""
    alert_id = None
    with uow.writing() as transaction:
        try:
            ((checkin_id,),) = transaction.execute(_INSERT_CHECKIN, values)
        except IntegrityError:
            return None, None
        if alerting:
            assert patient.clinic_id is not None
            ((alert_id,),) = transaction.execute(
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
            )
            notifications.enqueue_checkin_alert(  # same transaction: the outbox
                transaction, alert_id, patient.clinic_id, patient.id, now
            )
        audit.record_for_patient(
            transaction, actor, "checkin.create", "checkin", checkin_id, patient, at=now
        )
        transaction.commit()
    return int(checkin_id), alert_id


def store(
    uow: UnitOfWork,
    actor: Principal,
    patient: PatientFacts,
    values: dict[str, Any],
    now: datetime,
    alerting: bool,
) -> tuple[int | None, int | None]:
    """Store a triaged check-in with its audit row (and, if `alerting`, its alert and outbox
    rows): (check-in id, alert id); (None, None) if its key was taken meanwhile."""
    assert set(values) == set(_CHECKIN_VALUES)
    if uow.dialect_name == "postgresql" and not alerting:
        return _store_in_one_statement(uow, actor, patient, values, now), None
    return _store_in_a_transaction(uow, actor, patient, values, now, alerting)
