"""The check-in submit path's SQL: one statement that reads everything the triage needs, and
the writes (the check-in, its alert and outbox rows if it alerts, its audit row), both inside
the caller's unit of work (services.checkins: the reads, then `start_writes`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Integer, Table, and_, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from needlecare.services import (
    audit,
    clock,
    notifications,
    outcome_rows,
    protocols,
    queue_entries,
    roster,
)
from needlecare.services.errors import NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import can_see_patient
from needlecare.services.treatment_in_force import in_force_id_of_patient
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
# clinic's protocol version and both time zones, as plain columns.
_LATEST_TREATMENT_ID = in_force_id_of_patient()
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
_INSERT_ALERT = insert(_ALERT_TABLE).returning(_ALERT_TABLE.c.id)


@dataclass(frozen=True)
class Found:
    patient: PatientFacts
    treatment: TreatmentFacts | None
    previous_id: int | None
    protocol_version: int | None
    patient_zone: str | None
    clinic_zone: str | None


def lookup_in(
    session: Session, actor: Principal, patient_id: int, treatment_id: int | None, key: str
) -> Found:
    """The patient (NotFound unless `actor` may see it), treatment or None, earlier check-in
    id, the clinic's protocol version, the patient's and the clinic's time zones."""
    params = {"patient_id": patient_id, "treatment_id": treatment_id, "key": key}
    row = session.execute(_SUBMIT_LOOKUP, params).one_or_none()
    if row is None:
        raise NotFound("patient")
    n_patient, n_treatment = len(_PATIENT_COLUMNS), len(_TREATMENT_COLUMNS)
    patient = PatientFacts(*row[:n_patient])
    if not can_see_patient(actor, patient):
        raise NotFound("patient")
    treatment_row = row[n_patient : n_patient + n_treatment]
    treatment = TreatmentFacts(*treatment_row) if treatment_row[0] is not None else None
    return Found(patient, treatment, *row[n_patient + n_treatment :])


def store_in(
    uow: UnitOfWork,
    actor: Principal,
    patient: PatientFacts,
    values: dict[str, Any],
    now: datetime,
    alerting: bool,
) -> tuple[int | None, int | None]:
    """Store a triaged check-in with its audit row (and, if `alerting`, its alert and outbox
    rows) in the caller's writes: (check-in id, alert id); (None, None) if its key was taken
    meanwhile (then the caller must leave its unit of work without committing)."""
    assert set(values) == set(_CHECKIN_VALUES)
    alert_id = None
    # The patient's row first, before any other lock: the writes below update it (the roster,
    # the queue row), and taking it last could deadlock with a second check-in of the patient.
    queue_entries.hold_patients(uow.session, [patient.id])
    try:
        checkin_id = uow.session.execute(_INSERT_CHECKIN, values).scalar_one()
    except IntegrityError:
        return None, None
    if alerting:
        assert patient.clinic_id is not None
        alert_id = uow.session.execute(
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
            uow.session, alert_id, patient.clinic_id, patient.id, now
        )
        queue_entries.refresh(uow.session, [patient.id])  # the queue's row, as well
    outcome_rows.record(uow.session, patient.clinic_id, patient.id, values)
    roster.checkin_stored(  # the roster's summary, in the check-in's transaction
        uow.session, patient.id, values["created_at"], values["day"], values["level"], alerting
    )
    audit.record_for_patient(
        uow.session, actor, "checkin.create", "checkin", checkin_id, patient, at=now
    )
    return int(checkin_id), alert_id
