"""Read models the HTML pages need that the other services do not offer (owned by web/pages).

- `preview_invitation`: what an invitation link is for, shown before it is used (no audit:
  it reveals only the clinic's name and the name the clinic typed, to the link's holder).
- `roster`: the clinic's patients with their latest check-in, searchable by name or email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from needlecare.services import audit
from needlecare.services.auth import hash_token
from needlecare.services.principal import Principal
from needlecare.services.scope import require_staff, visible_patients
from needlecare.storage.base import utcnow
from needlecare.storage.enums import AlertState, Level
from needlecare.storage.models import (
    Alert,
    Checkin,
    Clinic,
    Patient,
    PatientInvitation,
    StaffInvitation,
)
from needlecare.storage.uow import UnitOfWork

MAX_QUERY = 100


@dataclass(frozen=True)
class InvitationPreview:
    kind: str  # "patient" or "staff"
    clinic_name: str
    display_name: str | None
    email: str | None
    role: str | None


def preview_invitation(uow: UnitOfWork, token: str) -> InvitationPreview | None:
    """The invitation behind a link if it can still be used, else None."""
    if not token or len(token) > 200:
        return None
    digest, now = hash_token(token), utcnow()
    with uow:
        session = uow.session
        patient_row = session.execute(
            select(PatientInvitation, Patient, Clinic)
            .join(Patient, Patient.id == PatientInvitation.patient_id)
            .join(Clinic, Clinic.id == PatientInvitation.clinic_id)
            .where(PatientInvitation.token_hash == digest)
        ).one_or_none()
        if patient_row is not None:
            invitation, patient, clinic = patient_row
            if invitation.used_at or invitation.expires_at <= now or patient.user_id is not None:
                return None
            return InvitationPreview(
                "patient", clinic.name, patient.display_name, patient.email, None
            )
        staff_row = session.execute(
            select(StaffInvitation, Clinic)
            .join(Clinic, Clinic.id == StaffInvitation.clinic_id)
            .where(StaffInvitation.token_hash == digest)
        ).one_or_none()
        if staff_row is None:
            return None
        staff_invitation, clinic = staff_row
        if staff_invitation.used_at or staff_invitation.expires_at <= now:
            return None
        return InvitationPreview(
            "staff", clinic.name, None, staff_invitation.email, staff_invitation.role.value
        )


@dataclass(frozen=True)
class RosterRow:
    patient_id: int
    display_name: str
    email: str | None
    has_login: bool
    last_checkin_at: datetime | None
    last_day: int | None
    last_level: Level | None
    open_alerts: int


def roster(
    uow: UnitOfWork, actor: Principal, query: str = "", *, limit: int = 500
) -> list[RosterRow]:
    """The clinic's patients (staff only), each with their latest check-in and open alerts."""
    clinic_id = require_staff(actor)
    query = query.strip()[:MAX_QUERY]
    latest = (
        select(Checkin.patient_id, func.max(Checkin.id).label("checkin_id"))
        .group_by(Checkin.patient_id)
        .subquery()
    )
    open_alerts = (
        select(Alert.patient_id, func.count(Alert.id).label("n"))
        .where(Alert.clinic_id == clinic_id, Alert.state != AlertState.RESOLVED)
        .group_by(Alert.patient_id)
        .subquery()
    )
    patients = visible_patients(actor).subquery()
    statement = (
        select(
            patients.c.id,
            patients.c.display_name,
            patients.c.email,
            patients.c.user_id,
            Checkin.created_at.label("last_at"),
            Checkin.day.label("last_day"),
            Checkin.level.label("last_level"),
            open_alerts.c.n,
        )
        .outerjoin(latest, latest.c.patient_id == patients.c.id)
        .outerjoin(Checkin, Checkin.id == latest.c.checkin_id)
        .outerjoin(open_alerts, open_alerts.c.patient_id == patients.c.id)
        .order_by(func.lower(patients.c.display_name), patients.c.id)
        .limit(limit)
    )
    if query:
        pattern = (
            "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        statement = statement.where(
            or_(
                func.lower(patients.c.display_name).like(pattern, escape="\\"),
                func.lower(func.coalesce(patients.c.email, "")).like(pattern, escape="\\"),
            )
        )
    with uow:
        rows = uow.session.execute(statement).mappings().all()
        audit.record(uow.session, actor, "patient.list", "patient", None, clinic_id=clinic_id)
        uow.commit()
    return [
        RosterRow(
            patient_id=row["id"],
            display_name=row["display_name"],
            email=row["email"],
            has_login=row["user_id"] is not None,
            last_checkin_at=row["last_at"],
            last_day=row["last_day"],
            last_level=row["last_level"],
            open_alerts=row["n"] or 0,
        )
        for row in rows
    ]
