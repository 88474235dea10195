"""A photo's day after treatment, and the daily limit, follow the patient's local date."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from needlecare.services import auth, photo_upload
from needlecare.services.photo_files import PhotoFiles
from needlecare.storage.models import PatientReminderSettings, Treatment
from needlecare.storage.uow import UnitOfWork

from .conftest import skin_photo
from .test_pages import login

NOW = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 19:30 on 9 March in Los Angeles


def _setup(uow: UnitOfWork, world: Any, zone: str | None) -> None:
    with uow:
        treatment = uow.session.get(Treatment, world.treatments["pat"])
        assert treatment is not None
        treatment.treatment_date = date(2026, 3, 4)
        uow.session.add(PatientReminderSettings(patient_id=world.patients["pat"], timezone=zone))
        uow.commit()


def _upload(uow: UnitOfWork, world: Any, data_dir: Path, seed: int) -> int:
    actor = auth.principal_for_token(uow, world.pat.token)
    outcome = photo_upload.upload_photo(
        uow,
        actor,
        world.patients["pat"],
        photo_upload.PhotoUpload(skin_photo(seed=seed)),
        files=PhotoFiles(data_dir),
        now=NOW,
    )
    return outcome.photo.day


def test_the_photo_day_is_the_patients_local_day(
    uow: UnitOfWork, world: Any, data_dir: Path
) -> None:
    _setup(uow, world, "America/Los_Angeles")
    assert _upload(uow, world, data_dir, seed=31) == 5  # UTC would say day 6


def test_without_a_zone_the_photo_day_is_utcs(uow: UnitOfWork, world: Any, data_dir: Path) -> None:
    _setup(uow, world, None)
    assert _upload(uow, world, data_dir, seed=32) == 6


def test_the_pages_date_a_photo_in_the_viewers_zone(
    client: TestClient, app: FastAPI, uow: UnitOfWork, world: Any, data_dir: Path
) -> None:
    """Taken at 19:30 on Monday 9 March in Los Angeles (Tuesday in UTC): the patient's pages
    say Monday, as their day 5 does."""
    _setup(uow, world, "America/Los_Angeles")
    _upload(uow, world, data_dir, seed=33)
    login(client, app, world.pat.user_id)
    timeline = client.get("/photos").text
    assert "Mon 9 Mar 2026" in timeline and "Tue 10 Mar 2026" not in timeline
    photo_id = re.findall(r'href="/photos/(\d+)"', timeline)[0]
    page = client.get(f"/photos/{photo_id}").text
    assert "Mon 9 Mar 2026" in page and "Tue 10 Mar 2026" not in page
