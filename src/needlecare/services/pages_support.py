"""Read models the HTML pages need that the other services do not offer (owned by web/pages).

- `preview_invitation`: what an invitation link is for, shown before it is used (no audit:
  it reveals only the clinic's name and the name the clinic typed, to the link's holder).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from needlecare.services.auth import hash_token
from needlecare.storage.base import utcnow
from needlecare.storage.models import (
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
