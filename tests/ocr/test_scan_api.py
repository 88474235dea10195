"""POST /api/v1/patients/{id}/ingredient-scan: the checker's contract plus ocr, on the
patient's day; tenant rules; bad files are 422 with the field named (both databases)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import Photo
from needlecare.storage.uow import UnitOfWork

PHOTOS = Path(__file__).parent / "photos"
API = "/api/v1"


def _scan(client: TestClient, who: Any, patient_id: int, content: bytes, **fields: str) -> Any:
    return client.post(
        f"{API}/patients/{patient_id}/ingredient-scan",
        files={"file": ("label.jpg", content, "image/jpeg")},
        data=fields,
        headers=who.headers,
    )


def test_scan_gives_the_verdict_for_the_patients_day_with_the_ocr(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    photo = (PHOTOS / "clean_retinol_serum.jpg").read_bytes()
    response = _scan(client, world.pat, world.patients["pat"], photo)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"]["day"] == 5  # the seeded treatment was 5 days ago
    assert (body["verdict"]["status"], body["verdict"]["resume_day"]) == ("avoid", 7)
    assert body["ocr"]["engine"] == "tesseract" and "Retinol" in body["ocr"]["text"]
    assert all(0 <= item["ocr_confidence"] <= 1 for item in body["ingredients"])
    assert body["verdict"]["check_against_label"] == []
    later = _scan(client, world.bob, world.patients["pat"], photo, day="30")
    assert later.status_code == 200 and later.json()["verdict"]["day"] == 30
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_another_clinic_gets_404_before_any_reading(client: TestClient, world: Any) -> None:
    photo = (PHOTOS / "clean_retinol_serum.jpg").read_bytes()
    assert _scan(client, world.charlie, world.patients["pat"], photo).status_code == 404
    assert _scan(client, world.pat, world.patients["quinn"], photo).status_code == 404


def test_bad_files_and_days_are_422_naming_the_field(client: TestClient, world: Any) -> None:
    patient = world.patients["pat"]
    not_photo = _scan(client, world.pat, patient, b"Aqua, Glycerin")
    assert not_photo.status_code == 422 and "not an image" in not_photo.text
    photo = (PHOTOS / "clean_retinol_serum.jpg").read_bytes()
    bad_day = _scan(client, world.pat, patient, photo, day="-3")
    assert bad_day.status_code == 422 and "day" in bad_day.text
