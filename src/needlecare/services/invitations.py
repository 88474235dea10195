"""Invitations (private single-use links) and personal self-registration.

Account enumeration: issuing an invitation never tells a clinic whether the address has an
account elsewhere (another clinic's patient or staff, or a personal user): the link is issued
as for a new address. Only about its own people does it say so ("already has an account at
your clinic", "this patient already has a login"). A taken address fails when the link is
used, not when it is issued. Known gap: whoever uses a link or the registration form still
learns that a typed address is taken (the failure differs from success, which logs in);
closing it needs an emailed confirmation step (docs/threat-model.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from needlecare.services import audit, ratelimit
from needlecare.services.auth import hash_token, normalize_email, principal_for
from needlecare.services.errors import Conflict, Invalid, NotFound
from needlecare.services.passwords import check_new_password, hash_password
from needlecare.services.patients import PatientCreate, create_patient
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, require_admin, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import Patient, PatientInvitation, StaffInvitation, User
from needlecare.storage.uow import UnitOfWork

INVITATION_LIFETIME = timedelta(days=14)
INVITE_PREFIX = "inv_"


@dataclass(frozen=True)
class IssuedInvitation:
    id: int
    token: str  # shown once, to be sent as a link; only its hash is stored
    expires_at: datetime


def _new_invite_token() -> tuple[str, str]:
    import secrets

    raw = INVITE_PREFIX + secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def invite_patient(uow: UnitOfWork, actor: Principal, patient_id: int) -> IssuedInvitation:
    """A link for a patient of the clinic to create their login (staff only)."""
    clinic_id = require_staff(actor)
    raw, digest = _new_invite_token()
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        if patient.user_id is not None:
            raise Conflict("this patient already has a login")
        row = PatientInvitation(
            clinic_id=clinic_id,
            patient_id=patient.id,
            token_hash=digest,
            created_by=actor.user_id,
            created_at=utcnow(),
            expires_at=utcnow() + INVITATION_LIFETIME,
        )
        uow.session.add(row)
        uow.flush()
        audit.record(
            uow.session,
            actor,
            "invitation.patient.create",
            "patient_invitation",
            row.id,
            clinic_id=clinic_id,
            patient_id=patient.id,
        )
        uow.commit()
        return IssuedInvitation(row.id, raw, row.expires_at)


def invite_new_patient(
    uow: UnitOfWork, actor: Principal, data: PatientCreate
) -> tuple[Patient, IssuedInvitation]:
    """Add a patient to the roster and issue their invitation link."""
    patient = create_patient(uow, actor, data)
    return patient, invite_patient(uow, actor, patient.id)


def invite_staff(uow: UnitOfWork, actor: Principal, email: str, role: str) -> IssuedInvitation:
    """A link for a colleague to join the clinic as admin or clinician (admins only).

    An address with an account at this clinic is refused; one with an account anywhere else
    gets its link like any new address (no existence leak across clinics)."""
    clinic_id = require_admin(actor)
    email = normalize_email(email)
    if role not in (Role.ADMIN.value, Role.CLINICIAN.value):
        raise Invalid.field("role", "choose admin or clinician")
    raw, digest = _new_invite_token()
    with uow:
        holder_clinic = uow.session.execute(
            select(User.clinic_id).where(User.email == email)
        ).one_or_none()
        if holder_clinic is not None and holder_clinic.clinic_id == clinic_id:
            raise Conflict("this person already has an account at your clinic")
        row = StaffInvitation(
            clinic_id=clinic_id,
            email=email,
            role=Role(role),
            token_hash=digest,
            created_by=actor.user_id,
            created_at=utcnow(),
            expires_at=utcnow() + INVITATION_LIFETIME,
        )
        uow.session.add(row)
        uow.flush()
        audit.record(
            uow.session,
            actor,
            "invitation.staff.create",
            "staff_invitation",
            row.id,
            clinic_id=clinic_id,
        )
        uow.commit()
        return IssuedInvitation(row.id, raw, row.expires_at)


def _usable(row: PatientInvitation | StaffInvitation | None) -> bool:
    return row is not None and row.used_at is None and row.expires_at > utcnow()


def _new_user(
    uow: UnitOfWork, email: str, password_hash: str, name: str, role: Role, clinic_id: int | None
) -> User:
    user = User(
        email=email,
        password_hash=password_hash,
        role=role,
        clinic_id=clinic_id,
        display_name=name[:200],
        created_at=utcnow(),
    )
    uow.session.add(user)
    try:
        uow.flush()
    except IntegrityError:
        raise Conflict("an account with this email already exists") from None
    return user


def accept_patient_invitation(uow: UnitOfWork, token: str, email: str, password: str) -> Principal:
    """Turn an invitation link into the patient's login (single use)."""
    email = normalize_email(email)
    check_new_password(password)
    password_hash = hash_password(password)  # before the unit: it holds SQLite's write lock
    with uow:
        row = uow.session.scalar(
            select(PatientInvitation).where(PatientInvitation.token_hash == hash_token(token))
        )
        if row is None or not _usable(row):
            raise NotFound("invitation")
        patient = uow.session.get(Patient, row.patient_id)
        if patient is None or patient.user_id is not None:
            raise NotFound("invitation")
        user = _new_user(
            uow, email, password_hash, patient.display_name, Role.PATIENT, patient.clinic_id
        )
        patient.user_id = user.id
        patient.email = patient.email or email
        row.used_at = utcnow()
        audit.record(
            uow.session,
            None,
            "invitation.patient.accept",
            "patient_invitation",
            row.id,
            clinic_id=row.clinic_id,
            patient_id=patient.id,
        )
        uow.flush()
        principal = principal_for(uow.session, user)
        uow.commit()
        return principal


def accept_staff_invitation(
    uow: UnitOfWork, token: str, display_name: str, password: str
) -> Principal:
    check_new_password(password)
    name = display_name.strip()
    if not name or len(name) > 200:
        raise Invalid.field("display_name", "enter your name (1 to 200 characters)")
    password_hash = hash_password(password)  # before the unit: it holds SQLite's write lock
    with uow:
        row = uow.session.scalar(
            select(StaffInvitation).where(StaffInvitation.token_hash == hash_token(token))
        )
        if row is None or not _usable(row):
            raise NotFound("invitation")
        user = _new_user(uow, row.email, password_hash, name, row.role, row.clinic_id)
        row.used_at = utcnow()
        audit.record(
            uow.session,
            None,
            "invitation.staff.accept",
            "staff_invitation",
            row.id,
            clinic_id=row.clinic_id,
        )
        principal = principal_for(uow.session, user)
        uow.commit()
        return principal


def register_personal(
    uow: UnitOfWork, email: str, password: str, display_name: str, client_ip: str | None = None
) -> Principal:
    """Self-registration for personal use: a patient with no clinic. Rate-limited per client
    address and globally (TooManyAttempts): a taken email answers 409, so that question
    must not be askable in bulk."""
    email = normalize_email(email)
    check_new_password(password)
    name = display_name.strip()
    if not name or len(name) > 200:
        raise Invalid.field("display_name", "enter your name (1 to 200 characters)")
    ratelimit.check_registration_allowed(uow, client_ip)  # before argon2: refused cheaply
    password_hash = hash_password(password)  # before the unit: it holds SQLite's write lock
    with uow:
        user = _new_user(uow, email, password_hash, name, Role.PATIENT, None)
        patient = Patient(
            clinic_id=None,
            user_id=user.id,
            display_name=name,
            email=email,
            history=[],
            created_at=utcnow(),
        )
        uow.session.add(patient)
        uow.flush()
        audit.record(
            uow.session,
            None,
            "patient.register",
            "patient",
            patient.id,
            clinic_id=None,
            patient_id=patient.id,
        )
        principal = principal_for(uow.session, user)
        uow.commit()
        return principal
