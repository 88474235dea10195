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

# Every action the services record, by family: the audit page's action filter offers these
# (a fixed list, not a scan of the table), and a test checks each `record` call's action is
# here. A new action is added here with its call.
ACTIONS: tuple[str, ...] = (
    "account.language", "account.password_change", "account.password_reset",
    "account.password_set",
    "account.reset_requested",
    "alert.acknowledge", "alert.assign", "alert.list", "alert.resolve",
    "audit.export", "audit.list",
    "catalogue.add",
    "checkin.create", "checkin.list", "checkin.read", "checkin.replay",
    "clinic.create", "clinic.logo", "clinic.logo.remove", "clinic.signup", "clinic.update",
    "demo.seed",
    "export.clinic.csv", "export.clinic.json",
    "export.patient.csv", "export.patient.fhir", "export.patient.json", "export.patient.pdf",
    "export.self",
    "invitation.patient.accept", "invitation.patient.create",
    "invitation.staff.accept", "invitation.staff.create",
    "message.create", "message.list",
    "note.create", "note.list",
    "patient.create", "patient.delete", "patient.list", "patient.read", "patient.register",
    "patient.update",
    "photo.create", "photo.delete", "photo.image.read", "photo.list", "photo.overlay.read",
    "photo.read", "photo.replay", "photo.roi", "photo.thumbnail.read", "photo.timeline",
    "product.check", "product.scan",
    "protocol.update",
    "recommendation.create", "recommendation.list",
    "reminders.pause", "reminders.resume", "reminders.settings", "reminders.timezone",
    "research.export",
    "sheet.read",
    "shelf.add", "shelf.photo.keep", "shelf.photo.read", "shelf.read", "shelf.remove",
    "staff.deactivate", "staff.reactivate", "staff.role.admin", "staff.role.clinician",
    "timeline.read", "today.read",
    "treatment.create", "treatment.list", "treatment.revisions", "treatment.update",
)  # fmt: skip


def families() -> list[str]:
    """The action families ("checkin.") in ACTIONS, for filtering on a whole family."""
    return sorted({action.split(".", 1)[0] + "." for action in ACTIONS})


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
