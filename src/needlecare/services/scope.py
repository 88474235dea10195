"""Tenant rules, in one place: who may see which patient, alert or clinic row.

Staff see the patients of their own clinic; a patient sees only their own record.
Anything outside that answers NotFound, exactly like a row that does not exist.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from needlecare.services.errors import Forbidden, NotFound
from needlecare.services.principal import Principal
from needlecare.storage.models import Alert, Patient, Treatment


class PatientRef(Protocol):
    """A patient's identity and tenant: an ORM row or a plain record."""

    @property
    def id(self) -> int: ...
    @property
    def clinic_id(self) -> int | None: ...


def can_see_patient(actor: Principal, patient: PatientRef) -> bool:
    if actor.is_patient:
        return actor.patient_id is not None and patient.id == actor.patient_id
    return actor.clinic_id is not None and patient.clinic_id == actor.clinic_id


def patient_for(session: Session, actor: Principal, patient_id: int) -> Patient:
    """The patient if `actor` may see it, else NotFound (no existence leak)."""
    patient = session.get(Patient, patient_id)
    if patient is None or not can_see_patient(actor, patient):
        raise NotFound("patient")
    return patient


def visible_patients(actor: Principal) -> Select[Patient]:
    """A SELECT of the patients `actor` may see."""
    query = select(Patient)
    if actor.is_patient:
        return query.where(Patient.id == (actor.patient_id or -1))
    return query.where(Patient.clinic_id == (actor.clinic_id or -1))


def treatment_for(
    session: Session, actor: Principal, patient_id: int, treatment_id: int
) -> Treatment:
    patient_for(session, actor, patient_id)
    treatment = session.get(Treatment, treatment_id)
    if treatment is None or treatment.patient_id != patient_id:
        raise NotFound("treatment")
    return treatment


def alert_for(session: Session, actor: Principal, alert_id: int) -> Alert:
    require_staff(actor)
    alert = session.get(Alert, alert_id)
    if alert is None or alert.clinic_id != actor.clinic_id:
        raise NotFound("alert")
    return alert


def require_staff(actor: Principal) -> int:
    """The actor's clinic id; Forbidden for patients (they know they are patients: no leak)."""
    if not actor.is_staff or actor.clinic_id is None:
        raise Forbidden("clinic staff only")
    return actor.clinic_id


def require_admin(actor: Principal) -> int:
    clinic_id = require_staff(actor)
    if not actor.is_admin:
        raise Forbidden("clinic admins only")
    return clinic_id


def own_patient(session: Session, actor: Principal) -> Patient:
    if not actor.is_patient:
        raise Forbidden("only a patient can download or delete their own data")
    if actor.patient_id is None:
        raise NotFound("patient")
    return patient_for(session, actor, actor.patient_id)
