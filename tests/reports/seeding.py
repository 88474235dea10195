"""Seeding helpers: a clinic patient (check-ins over five days, an alert, a note,
a recommendation), written through the real services, as the app stores them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from conftest import World
from needlecare.services import alerts, notes, photo_upload, treatments
from needlecare.services.checkins import CheckinCreate, submit_checkin
from needlecare.services.notes import RecommendationCreate
from needlecare.services.photo_files import PhotoFiles
from needlecare.services.principal import Principal
from needlecare.services.treatments import TreatmentCreate
from needlecare.storage.enums import Role
from needlecare.storage.uow import UnitOfWork
from photos.synthetic import Scene, encode, grid_spots

# Free text that must be gone after deletion; the leading "=" also tests CSV injection.
NOTE = '=HYPERLINK("http://evil.example") zebra-note-5521'
PRODUCT = "@SUM(1) quokka-cream-7730"
INCI = "Aqua, Glycerin, quokka-inci-7731"
REC_NOTE = "+twice daily quokka-advice-7732"
SERUM = "-hyaluronic tapir-serum-6610"
CHECKIN_PRODUCT = "narwhal-lotion-9902"
RESOLUTION = "called back, okapi-resolution-4420"
SYMPTOMS = {
    0: {"redness": 3, "swelling": 2, "pain": 4},
    1: {"redness": 2, "swelling": 2, "pain": 3, "itch": 1},
    3: {"redness": 1, "swelling": 1, "pain": 1, "flaking": True},
    4: {"redness": 1, "swelling": 0, "pain": 1, "breakouts": {"count": 3, "kind": "whiteheads"}},
    5: {"redness": 2, "swelling": 1, "pain": 6, "fever": True, "warmth": True,
        "breakouts": {"count": 5, "kind": "pustules"}},
}  # fmt: skip


def staff(world: World, name: str, clinic_id: int, role: Role = Role.CLINICIAN) -> Principal:
    person = world.people[name]
    return Principal(person.user_id, role, person.email, name.title(), clinic_id)


def patient_actor(world: World, name: str) -> Principal:
    person = world.people[name]
    return Principal(
        person.user_id,
        Role.PATIENT,
        person.email,
        name.title(),
        world.alder_id if name == "pat" else None,
        world.patients[name],
    )


@dataclass
class Seeded:
    patient_id: int
    treatment_id: int
    checkin_ids: list[int]
    alert_ids: list[int]
    photo_ids: list[int]
    free_text: list[str]


def seed(uow: UnitOfWork, world: World, name: str = "pat", data_dir: Path | None = None) -> Seeded:
    bob = staff(world, "bob", world.alder_id)
    patient_id = world.patients[name]
    treated = date.today() - timedelta(days=5)
    # A second treatment for the same patient, with a serum (free text).
    second = treatments.create_treatment(
        uow,
        bob,
        patient_id,
        TreatmentCreate(treated, 1.0, "pen", ["face", "neck"], 4, SERUM),
    )
    checkin_ids, alert_ids = [], []
    for day, symptoms in SYMPTOMS.items():
        now = datetime.combine(treated + timedelta(days=day), time(9, 30), UTC)
        outcome = submit_checkin(
            uow,
            bob,
            patient_id,
            CheckinCreate(
                symptoms=symptoms,
                products=[CHECKIN_PRODUCT] if day == 1 else [],
                treatment_id=second.id,
            ),
            idempotency_key=f"seed-{name}-{day}",
            now=now,
        )
        checkin_ids.append(outcome.checkin.id)
        if outcome.alert_id is not None:
            alert_ids.append(outcome.alert_id)
    notes.add_note(uow, bob, patient_id, NOTE)
    notes.add_recommendation(uow, bob, patient_id, RecommendationCreate(PRODUCT, INCI, REC_NOTE))
    if alert_ids:
        alerts.resolve(uow, bob, alert_ids[0], RESOLUTION)
    photo_ids = []
    if data_dir is not None:  # a real upload: sanitised, measured, files under data_dir
        scene = Scene(spots=grid_spots((150, 100, 600, 500), 2, 3, 8))
        upload = photo_upload.PhotoUpload(encode(scene.rgb()), treatment_id=second.id)
        outcome = photo_upload.upload_photo(
            uow, bob, patient_id, upload, files=PhotoFiles(data_dir)
        )
        photo_ids.append(outcome.photo.id)
    return Seeded(
        patient_id,
        second.id,
        checkin_ids,
        alert_ids,
        photo_ids,
        [
            NOTE,
            PRODUCT,
            INCI,
            REC_NOTE,
            SERUM,
            CHECKIN_PRODUCT,
            RESOLUTION,
            "zebra-note-5521",
            "quokka",
            "tapir",
            "narwhal",
            "okapi",
        ],
    )
