"""A realistic patient in plain records: check-ins triaged by the real engine."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PIL import Image

from needlecare.reports.records import (
    AlertRecord,
    CheckinRecord,
    ClinicRecord,
    NoteRecord,
    PatientData,
    PatientRecord,
    PhotoRecord,
    RecommendationRecord,
    TreatmentRecord,
)
from needlecare.triage import triage_checkin

TREATED = date(2026, 11, 10)
TODAY = date(2026, 11, 25)
# day -> symptoms: settling down, then a flare with fever on day 9
SYMPTOMS: dict[int, dict[str, Any]] = {
    0: {"redness": 3, "swelling": 2, "pain": 4, "itch": 0},
    1: {"redness": 2, "swelling": 2, "pain": 3, "itch": 1, "flaking": False},
    2: {"redness": 2, "swelling": 1, "pain": 2, "itch": 1},
    3: {"redness": 1, "swelling": 1, "pain": 1, "itch": 2, "flaking": True},
    5: {"redness": 1, "swelling": 0, "pain": 1, "breakouts": {"count": 4, "kind": "whiteheads"}},
    7: {"redness": 1, "swelling": 0, "pain": 1, "breakouts": {"count": 6, "kind": "pustules"}},
    9: {"redness": 2, "swelling": 1, "pain": 6, "fever": True, "warmth": True,
        "breakouts": {"count": 9, "kind": "pustules"}},
}  # fmt: skip


def tiny_png(colour: tuple[int, int, int] = (200, 120, 110)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), colour).save(buffer, "PNG")
    return buffer.getvalue()


def sample_data(*, with_photos: bool = False, name: str = '=HYPERLINK("x") Jo') -> PatientData:
    treatment = TreatmentRecord(
        id=11,
        treatment_date=TREATED,
        depth_mm=1.0,
        device="pen",
        areas=["face", "neck"],
        fitzpatrick=4,
    )
    checkins = []
    for index, (day, symptoms) in enumerate(sorted(SYMPTOMS.items()), start=1):
        payload = {
            "treatment": {
                "date": TREATED.isoformat(),
                "depth_mm": 1.0,
                "device": "pen",
                "areas": ["face", "neck"],
            },
            "profile": {"fitzpatrick": 4},
            "day": day,
            "symptoms": symptoms,
        }
        at = TREATED + timedelta(days=day)
        result = triage_checkin(payload, at)
        checkins.append(
            CheckinRecord(
                id=100 + index,
                treatment_id=11,
                day=day,
                created_at=datetime.combine(at, time(9, 30), UTC),
                level=result["level"],
                phase=result["phase"],
                symptoms=symptoms,
                products=["Gentle cleanser"] if day < 3 else [],
                findings=result["findings"],
                advice=result["advice"],
            )
        )
    alert_at = checkins[-1].created_at + timedelta(minutes=1)
    photos = []
    if with_photos:
        photos = [
            PhotoRecord(
                id=1,
                taken_at=alert_at,
                image=tiny_png(),
                media_type="image/png",
                day=9,
                area="face",
                caption="Left cheek",
                measurement={
                    "redness": {"a_star": {"p50": 17.2}, "erythema_index": {"median": 28.1}},
                    "spots": {"count": 7},
                    "confidence": {"level": "high"},
                },
            )
        ]
    return PatientData(
        patient=PatientRecord(
            id=7,
            display_name=name,
            email="jo@example.org",
            fitzpatrick=4,
            acne_prone=True,
            history=["eczema"],
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
            clinic_id=3,
        ),
        clinic=ClinicRecord(3, "Alder Clinic"),
        treatments=[treatment],
        checkins=checkins,
        alerts=[
            AlertRecord(
                id=5,
                checkin_id=checkins[-1].id,
                level=checkins[-1].level,
                state="open",
                created_at=alert_at,
            )
        ],
        notes=[
            NoteRecord(
                1,
                "Bob",
                "Called the patient; seen in clinic tomorrow.\n+ swab",
                alert_at + timedelta(hours=1),
            )
        ],
        recommendations=[
            RecommendationRecord(
                1,
                "Bob",
                "Barrier Cream",
                "Aqua, Glycerin, Ceramide NP",
                "twice a day",
                datetime(2026, 11, 10, 12, tzinfo=UTC),
            )
        ],
        photos=photos,
    )
