"""A patient's "today" is their local date (patient zone, else the clinic's, else UTC)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from needlecare.services import clock, exports
from needlecare.storage.models import Clinic, PatientReminderSettings, Treatment
from needlecare.storage.uow import UnitOfWork

API = "/api/v1"
# 02:30 UTC on 10 March: 19:30 on the 9th in Los Angeles (PDT since the 8th), 15:30 on the
# 10th in Auckland (NZDT).
NOW = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
# 12:00 UTC: 01:00 on the 11th in Auckland.
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TREATED = date(2026, 3, 4)  # day 5 in Los Angeles at NOW, day 6 in UTC
LABEL = "Aqua, Glycerin, Retinol"


# --- the pure function ---------------------------------------------------------------------


def test_los_angeles_is_still_on_the_previous_day() -> None:
    assert clock.local_today(NOW, "America/Los_Angeles") == date(2026, 3, 9)
    assert clock.local_today(NOW) == date(2026, 3, 10)  # no zone: UTC


def test_auckland_is_on_the_same_day_then_the_next() -> None:
    assert clock.local_today(NOW, "Pacific/Auckland") == date(2026, 3, 10)
    assert clock.local_today(NOON, "Pacific/Auckland") == date(2026, 3, 11)
    assert clock.local_today(NOON, "America/Los_Angeles") == date(2026, 3, 10)


@pytest.mark.parametrize(
    "zones", [(), (None,), ("",), ("Mars/Olympus",), (" Europe/London",), ("../etc/passwd",)]
)
def test_an_invalid_or_empty_zone_falls_back_to_utc(zones: tuple[str | None, ...]) -> None:
    late = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    assert clock.local_today(late, *zones) == date(2026, 3, 9)
    assert clock.zone_of(*zones) is UTC


def test_the_first_valid_zone_wins() -> None:
    assert clock.local_today(NOW, "Not/AZone", "America/Los_Angeles", "Pacific/Auckland") == date(
        2026, 3, 9
    )
    assert clock.local_today(NOW, None, "Pacific/Auckland") == date(2026, 3, 10)


def test_a_naive_instant_is_read_as_utc() -> None:
    naive = datetime(2026, 3, 10, 2, 30)
    assert clock.local_today(naive, "America/Los_Angeles") == date(2026, 3, 9)


def test_the_offset_of_that_day_counts_across_a_dst_change() -> None:
    # Los Angeles springs forward on 8 March 2026: 07:30 UTC is 23:30 PST before, 00:30 PDT after.
    assert clock.local_today(datetime(2026, 3, 2, 7, 30, tzinfo=UTC), "America/Los_Angeles") == (
        date(2026, 3, 1)
    )
    assert clock.local_today(datetime(2026, 3, 9, 7, 30, tzinfo=UTC), "America/Los_Angeles") == (
        date(2026, 3, 9)
    )
    # London falls back on 25 October 2026: 23:30 UTC is 00:30 BST before, 23:30 GMT after.
    assert clock.local_today(datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "Europe/London") == (
        date(2026, 10, 25)
    )
    assert clock.local_today(datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "Europe/London") == (
        date(2026, 10, 25)
    )


# --- the zone chain from the database ----------------------------------------------------


def _patient_zone(uow: UnitOfWork, patient_id: int, zone: str | None) -> None:
    with uow:
        row = uow.session.get(PatientReminderSettings, patient_id)
        if row is None:
            row = PatientReminderSettings(patient_id=patient_id)
            uow.session.add(row)
        row.timezone = zone
        uow.commit()


def _clinic_zone(uow: UnitOfWork, clinic_id: int, zone: str) -> None:
    with uow:
        uow.session.get_one(Clinic, clinic_id).timezone = zone
        uow.commit()


def _treated_on(uow: UnitOfWork, treatment_id: int, day: date) -> None:
    with uow:
        treatment = uow.session.get(Treatment, treatment_id)
        assert treatment is not None
        treatment.treatment_date = day
        uow.commit()


def _today(uow: UnitOfWork, world: Any, name: str, now: datetime) -> date:
    with uow.reading():
        return clock.patient_today(uow.session, world.patients[name], world.alder_id, now)


def test_the_patients_zone_then_the_clinics_then_utc(uow: UnitOfWork, world: Any) -> None:
    pat = world.patients["pat"]
    assert _today(uow, world, "pat", NOW) == date(2026, 3, 10)  # nothing set: UTC
    _clinic_zone(uow, world.alder_id, "America/Los_Angeles")
    assert _today(uow, world, "pat", NOW) == date(2026, 3, 9)  # the clinic's zone
    _patient_zone(uow, pat, "Pacific/Auckland")
    assert _today(uow, world, "pat", NOW) == date(2026, 3, 10)  # the patient's own zone wins
    assert _today(uow, world, "pat", NOON) == date(2026, 3, 11)
    _patient_zone(uow, pat, "Not/AZone")  # a bad stored value is skipped, not raised
    assert _today(uow, world, "pat", NOW) == date(2026, 3, 9)
    with uow.reading():
        assert clock.patient_zones(uow.session, pat, world.alder_id) == (
            "Not/AZone",
            "America/Los_Angeles",
        )
        assert clock.patient_zones(uow.session, world.patients["sol"], None) == (None, None)


# --- the services and routes use it --------------------------------------------------------


@pytest.fixture
def at_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The current instant is NOW for every "today" the services and pages compute."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    monkeypatch.setattr("needlecare.services.today.utcnow", lambda: NOW)
    return NOW


def test_timeline_checker_and_sheet_use_the_patients_day(
    client: TestClient, uow: UnitOfWork, world: Any, at_now: datetime
) -> None:
    pat, treatment = world.patients["pat"], world.treatments["pat"]
    _treated_on(uow, treatment, TREATED)
    _patient_zone(uow, pat, "America/Los_Angeles")
    timeline_url = f"{API}/patients/{pat}/treatments/{treatment}/timeline"
    for who in (world.pat, world.bob):  # the patient, and their clinic's staff
        assert client.get(timeline_url, headers=who.headers).json()["today"] == 5
    checked = client.post(
        f"{API}/patients/{pat}/ingredient-check", json={"text": LABEL}, headers=world.pat.headers
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["verdict"]["day"] == 5
    sheet = client.get(f"{API}/patients/{pat}/aftercare-sheet", headers=world.pat.headers).json()
    assert (sheet["today"], sheet["day_number"]) == ("2026-03-09", 5)
    # A patient with no zone anywhere is on UTC's day 6.
    quinn, quinn_treatment = world.patients["quinn"], world.treatments["quinn"]
    _treated_on(uow, quinn_treatment, TREATED)
    quinn_url = f"{API}/patients/{quinn}/treatments/{quinn_treatment}/timeline"
    assert client.get(quinn_url, headers=world.bob.headers).json()["today"] == 6


def test_a_treatment_dated_today_in_auckland_is_not_in_the_future(
    client: TestClient, uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: NOON)
    _patient_zone(uow, world.patients["pat"], "Pacific/Auckland")
    body = {"treatment_date": "2026-03-11", "depth_mm": 1.0, "device": "pen"}
    mine = client.post(
        f"{API}/patients/{world.patients['pat']}/treatments", json=body, headers=world.pat.headers
    )
    assert mine.status_code == 201, mine.text
    utc = client.post(
        f"{API}/patients/{world.patients['quinn']}/treatments", json=body, headers=world.bob.headers
    )
    assert utc.status_code == 422
    assert utc.json()["errors"][0]["field"] == "treatment_date"


def test_the_today_page_shows_the_patients_day(
    client: TestClient, uow: UnitOfWork, world: Any, at_now: datetime
) -> None:
    _treated_on(uow, world.treatments["pat"], TREATED)
    _patient_zone(uow, world.patients["pat"], "America/Los_Angeles")
    login_page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page)
    assert token is not None
    client.post(
        "/login",
        data={"email": world.pat.email, "password": world.pat.password, "csrf_token": token[1]},
    )
    page = client.get("/today")
    assert page.status_code == 200
    assert "Day 5 after treatment" in page.text
    assert "Mon 9 Mar 2026" in page.text


def test_a_patient_report_is_dated_on_the_patients_day(
    uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patient_zone(uow, world.patients["pat"], "America/Los_Angeles")
    seen: list[date] = []

    def fake_render(*args: Any, today: date, **kwargs: Any) -> bytes:
        seen.append(today)
        return b"{}"

    monkeypatch.setattr(exports, "render", fake_render)
    exports.operator_patient_export(uow, world.patients["pat"], "json", now=NOW)
    exports.operator_patient_export(uow, world.patients["quinn"], "json", now=NOW)
    assert seen == [date(2026, 3, 9), date(2026, 3, 10)]
