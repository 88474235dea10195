"""A small world for page and browser tests: two clinics, their staff, one patient with a
login and a treatment 3 days ago. Patients are created through the services (invitation
accepted), only the clinics and their first admins are inserted directly (no service for that)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from needlecare.services import invitations, patients, treatments
from needlecare.services.auth import principal_for
from needlecare.services.passwords import hash_password
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import Clinic, User
from needlecare.storage.uow import UnitOfWork

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class World:
    clinic_a: int
    clinic_b: int
    admin_a: str
    clinician_a: str
    clinician_b: str
    patient_a: str
    patient_a_id: int
    patient_b_id: int


def _staff(session: Session, clinic_id: int, email: str, role: Role, name: str) -> User:
    user = User(
        email=email,
        password_hash=hash_password(PASSWORD),
        role=role,
        clinic_id=clinic_id,
        display_name=name,
    )
    session.add(user)
    session.flush()
    return user


def seed_world(session_factory: sessionmaker[Session]) -> World:
    with session_factory() as session:
        clinic_a, clinic_b = Clinic(name="Clinic Alder"), Clinic(name="Clinic Birch")
        session.add_all([clinic_a, clinic_b])
        session.flush()
        admin_a = _staff(session, clinic_a.id, "ada@alder.test", Role.ADMIN, "Ada Admin")
        _staff(session, clinic_a.id, "cleo@alder.test", Role.CLINICIAN, "Cleo Clinician")
        clinician_b = _staff(session, clinic_b.id, "ben@birch.test", Role.CLINICIAN, "Ben Birch")
        session.commit()
        admin = principal_for(session, admin_a)
        other = principal_for(session, clinician_b)
        ids = (clinic_a.id, clinic_b.id)

    uow = UnitOfWork(session_factory)
    patient, issued = invitations.invite_new_patient(
        uow, admin, patients.PatientCreate(display_name="Paula Patient", fitzpatrick=3)
    )
    invitations.accept_patient_invitation(uow, issued.token, "paula@example.test", PASSWORD)
    treatments.create_treatment(
        uow,
        admin,
        patient.id,
        treatments.TreatmentCreate(
            treatment_date=utcnow().date() - timedelta(days=3),
            depth_mm=1.0,
            device="pen",
            areas=["face"],
            fitzpatrick=3,
        ),
    )
    patient_b = patients.create_patient(uow, other, patients.PatientCreate(display_name="Bo B"))
    return World(
        clinic_a=ids[0],
        clinic_b=ids[1],
        admin_a="ada@alder.test",
        clinician_a="cleo@alder.test",
        clinician_b="ben@birch.test",
        patient_a="paula@example.test",
        patient_a_id=patient.id,
        patient_b_id=patient_b.id,
    )
