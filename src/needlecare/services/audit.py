"""Audit log: one row per read or write of patient data, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from needlecare.services.principal import ANONYMOUS_ROLE, Principal
from needlecare.services.scope import PatientRef
from needlecare.storage.base import utcnow
from needlecare.storage.models import AuditEntry

_TABLE = cast(Table, AuditEntry.__table__)
_INSERT = insert(_TABLE)


def _row(
    actor: Principal | None,
    action: str,
    object_type: str,
    object_id: int | str | None,
    clinic_id: int | None,
    patient_id: int | None,
    at: datetime | None,
    actor_role: str | None,
) -> dict[str, Any]:
    return {
        "at": at or utcnow(),
        "actor_user_id": actor.user_id if actor else None,
        "actor_role": actor_role or (actor.role.value if actor else ANONYMOUS_ROLE),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "clinic_id": clinic_id,
        "patient_id": patient_id,
    }


def record(
    session: Session,
    actor: Principal | None,
    action: str,
    object_type: str,
    object_id: int | str | None,
    *,
    clinic_id: int | None,
    patient_id: int | None = None,
    at: datetime | None = None,
    actor_role: str | None = None,
) -> None:
    """Append one audit row (never commits: it lands or vanishes with the use case)."""
    # A Core INSERT: it runs at once, inside the caller's transaction, whatever the session
    # has pending or not.
    row = _row(actor, action, object_type, object_id, clinic_id, patient_id, at, actor_role)
    session.execute(_INSERT, row)


def record_for_patient(
    session: Session,
    actor: Principal | None,
    action: str,
    object_type: str,
    object_id: int | str | None,
    patient: PatientRef,
    *,
    at: datetime | None = None,
) -> None:
    """`record` for a read or write of one patient's data (their clinic and id)."""
    record(
        session,
        actor,
        action,
        object_type,
        object_id,
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        at=at,
    )
