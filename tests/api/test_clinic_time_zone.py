"""Issue 19: the clinic's time zone (settings page and API) and times on pages in the viewer's
zone: staff see their clinic's, a patient their own, else their clinic's, else UTC."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.api_helpers import session_cookie
from conftest import SECRET, World
from needlecare.services import auth, clinic_settings, messages, notifications
from needlecare.storage.models import Clinic, ClinicReminderSettings
from needlecare.storage.uow import UnitOfWork
from needlecare.web.pages.timezones import format_local

SETTINGS = "/api/v1/clinic/settings"


def test_format_local_uses_the_zone_and_its_abbreviation() -> None:
    from zoneinfo import ZoneInfo

    late = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
    assert format_local(late, ZoneInfo("Asia/Tokyo")) == "Sun 6 Dec, 08:30 JST"
    assert format_local(late, UTC) == "Sat 5 Dec, 23:30 UTC"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_local(summer, ZoneInfo("Europe/London")) == "Wed 1 Jul, 13:00 BST"
    assert format_local(summer, ZoneInfo("Europe/London"), "short") == "1 Jul 13:00"


def test_the_clinic_sets_its_zone(client: TestClient, uow: UnitOfWork, world: World) -> None:
    headers = world.alice.headers
    current = client.get(SETTINGS, headers=headers).json()
    assert current["timezone"] == "UTC"  # none set yet: the default
    saved = client.put(SETTINGS, json={**current, "timezone": "Asia/Tokyo"}, headers=headers)
    assert saved.status_code == 200 and saved.json()["timezone"] == "Asia/Tokyo"
    with uow.reading():
        # The clinic's own column: the reminder schedule is not where a clinic keeps its clock.
        assert uow.session.get_one(Clinic, world.alder_id).timezone == "Asia/Tokyo"
        reminders = uow.session.scalar(
            select(ClinicReminderSettings).where(ClinicReminderSettings.clinic_id == world.alder_id)
        )
        assert reminders is None  # no schedule row written: the defaults still apply
    # Absent: unchanged (an older client keeps the zone); unknown: a clear 422.
    body = {k: v for k, v in current.items() if k != "timezone"}
    assert client.put(SETTINGS, json=body, headers=headers).json()["timezone"] == "Asia/Tokyo"
    bad = client.put(SETTINGS, json={**current, "timezone": "Mars/Olympus"}, headers=headers)
    assert bad.status_code == 422
    assert client.get(SETTINGS, headers=headers).json()["timezone"] == "Asia/Tokyo"


def test_pages_show_times_in_the_viewers_zone(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    alice = auth.principal_for_token(uow, world.alice.token)
    current = clinic_settings.get_settings(uow, alice)
    clinic_settings.update_settings(uow, alice, replace(current, timezone="Asia/Tokyo"))
    bob = auth.principal_for_token(uow, world.bob.token)
    messages.send_to_patient(uow, bob, world.patients["pat"], "Please send a photo tomorrow")
    client.cookies.update(session_cookie(SECRET, {"uid": world.bob.user_id, "gen": 0}))
    staff_page = client.get(f"/clinic/patients/{world.patients['pat']}")
    assert staff_page.status_code == 200
    assert " JST" in staff_page.text and " UTC" not in staff_page.text

    pat = auth.principal_for_token(uow, world.pat.token)
    notifications.set_patient_timezone(uow, pat, world.patients["pat"], "America/Los_Angeles")
    client.cookies.clear()
    client.cookies.update(session_cookie(SECRET, {"uid": world.pat.user_id, "gen": 0}))
    today = client.get("/messages")
    assert today.status_code == 200
    assert (" PST" in today.text or " PDT" in today.text) and " JST" not in today.text
