"""`needlecare serve --demo`: a demo clinic with staff, patients and two weeks of check-ins.

Every check-in goes through the real service (and so the real triage engine); the scenarios
are chosen so the history spans expected, monitor, contact_clinic and urgent. Seeding runs
once: a second call finds the demo admin and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from needlecare.config import Settings
from needlecare.services import audit, checkins, treatments
from needlecare.services.auth import principal_for
from needlecare.services.checkins import CheckinCreate
from needlecare.services.passwords import hash_password
from needlecare.services.treatments import TreatmentCreate
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.enums import Level, Role
from needlecare.storage.models import Checkin, Clinic, Patient, User
from needlecare.storage.uow import UnitOfWork

CLINIC_NAME = "Demo Skin Clinic"
# Demo credentials are public on purpose: they are printed at start-up.
ADMIN = ("admin@demo.needlecare.test", "demo-admin-pass")
CLINICIAN = ("clinician@demo.needlecare.test", "demo-clinician-pass")
PATIENT = ("ana@demo.needlecare.test", "demo-patient-pass")
DAYS = 14

Symptoms = Callable[[int], dict[str, Any]]


def _calm(day: int) -> dict[str, Any]:
    """Textbook healing: redness and swelling fade over three days, then light flaking."""
    return {
        "redness": max(0, 2 - day),
        "swelling": max(0, 1 - day),
        "pain": max(0, 3 - day),
        "flaking": 2 <= day <= 5,
        "tightness": day <= 3,
    }


def _purging(day: int) -> dict[str, Any]:
    """Acne-prone: a crop of small bumps in the treated area from day 3, settling by day 10."""
    s = _calm(day)
    if 3 <= day <= 9:
        s["breakouts"] = {"count": 6, "kind": "small_red_bumps", "outside_treated_area": False}
        s["itch"] = 1
    return s


def _infection_signs(day: int) -> dict[str, Any]:
    """Healing, then from day 11 redness comes back with warmth and yellow crusts."""
    if day < 11:
        return _calm(day)
    return {
        "redness": 2,
        "swelling": 1,
        "pain": 5,
        "warmth": True,
        "pus_or_yellow_crust": True,
        "worsening": True,
    }


def _allergy(day: int) -> dict[str, Any]:
    """A reaction to a serum on the last days: hives, facial swelling, trouble breathing."""
    if day < 12:
        return _calm(day)
    return {
        "redness": 3,
        "swelling": 3,
        "pain": 3,
        "itch": 3,
        "hives": True,
        "facial_swelling": True,
        "breathing_difficulty": day >= 13,
    }


@dataclass(frozen=True)
class DemoPatient:
    name: str
    email: str | None
    fitzpatrick: int
    acne_prone: bool
    depth_mm: float
    device: str
    symptoms: Symptoms


PATIENTS = (
    DemoPatient("Ana Demo", PATIENT[0], 3, False, 0.5, "pen", _calm),
    DemoPatient("Ben Demo", None, 2, True, 1.0, "pen", _purging),
    DemoPatient("Chloe Demo", None, 5, False, 1.5, "pen", _infection_signs),
    DemoPatient("Dev Demo", None, 4, False, 1.0, "roller", _allergy),
)


@dataclass
class DemoResult:
    created: bool
    levels: dict[str, int] = field(default_factory=dict)

    def instructions(self, url: str) -> str:
        state = "seeded" if self.created else "already present"
        lines = [
            f"Demo data {state}. Log in at {url}/login with:",
            f"  clinic admin      {ADMIN[0]}  /  {ADMIN[1]}",
            f"  clinician         {CLINICIAN[0]}  /  {CLINICIAN[1]}",
            f"  patient (phone)   {PATIENT[0]}  /  {PATIENT[1]}",
        ]
        if self.levels:
            counts = ", ".join(f"{k} {v}" for k, v in self.levels.items())
            lines.append(f"  check-ins by triage level: {counts}")
        return "\n".join(lines)


def _add_user(
    uow: UnitOfWork, email: str, password: str, name: str, role: Role, clinic_id: int
) -> User:
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        clinic_id=clinic_id,
        display_name=name,
    )
    uow.session.add(user)
    uow.flush()
    return user


def _level_counts(uow: UnitOfWork, clinic_id: int) -> dict[str, int]:
    with uow:
        levels = uow.session.scalars(
            select(Checkin.level)
            .join(Patient, Patient.id == Checkin.patient_id)
            .where(Patient.clinic_id == clinic_id)
        ).all()
    return {level.value: sum(1 for x in levels if x is level) for level in Level}


def seed(uow: UnitOfWork, *, today: date | None = None) -> DemoResult:
    """Create the demo clinic unless it exists; returns what is there."""
    today = today or datetime.now(UTC).date()
    with uow:
        existing = uow.session.scalar(select(User).where(User.email == ADMIN[0]))
        if existing is not None and existing.clinic_id is not None:
            clinic_id = existing.clinic_id
            created = False
        else:
            clinic = Clinic(name=CLINIC_NAME)
            uow.session.add(clinic)
            uow.flush()
            clinic_id = clinic.id
            _add_user(uow, *ADMIN, "Dr Demo Admin", Role.ADMIN, clinic_id)
            clinician = _add_user(uow, *CLINICIAN, "Sam Clinician", Role.CLINICIAN, clinic_id)
            staff = principal_for(uow.session, clinician)
            created = True
            plans = []
            for spec in PATIENTS:
                patient = Patient(
                    clinic_id=clinic_id,
                    display_name=spec.name,
                    email=spec.email,
                    fitzpatrick=spec.fitzpatrick,
                    acne_prone=spec.acne_prone,
                    history=[],
                )
                uow.session.add(patient)
                uow.flush()
                if spec.email == PATIENT[0]:
                    user = _add_user(uow, *PATIENT, spec.name, Role.PATIENT, clinic_id)
                    patient.user_id = user.id
                plans.append((patient.id, spec))
            audit.record(
                uow.session,
                None,
                "demo.seed",
                "clinic",
                clinic_id,
                clinic_id=clinic_id,
                actor_role="system",
            )
            uow.commit()
    if created:
        _seed_history(uow, staff, plans, today)
    return DemoResult(created=created, levels=_level_counts(uow, clinic_id))


def _seed_history(
    uow: UnitOfWork, staff: Any, plans: list[tuple[int, DemoPatient]], today: date
) -> None:
    start = today - timedelta(days=DAYS)
    for patient_id, spec in plans:
        treatment = treatments.create_treatment(
            uow,
            staff,
            patient_id,
            TreatmentCreate(
                treatment_date=start,
                depth_mm=spec.depth_mm,
                device=spec.device,
                areas=["face"],
                fitzpatrick=spec.fitzpatrick,
            ),
            today=today,
        )
        for day in range(DAYS + 1):
            at = datetime.combine(start + timedelta(days=day), time(9, 0), tzinfo=UTC)
            checkins.submit_checkin(
                uow,
                staff,
                patient_id,
                CheckinCreate(symptoms=spec.symptoms(day), treatment_id=treatment.id),
                idempotency_key=f"demo-{patient_id}-{day}",
                now=at,
            )


def seed_demo(settings: Settings) -> DemoResult:
    engine = make_engine(settings.database_url, pooled=False)
    try:
        return seed(UnitOfWork(make_session_factory(engine)))
    finally:
        engine.dispose()
