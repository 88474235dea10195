"""In Chromium: a session recorded by the clinic (laptop) that the patient then sees (phone),
the patient page's download buttons, the recommendation check, the account page; axe finds
no violation of any impact on these pages and states."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import Server
from .test_browser_flows import _any_violation, log_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


def _laptop(browser: Any, server: Server) -> Any:
    context = browser.new_context(viewport=LAPTOP, base_url=server.url, accept_downloads=True)
    return context.new_page()


def test_a_session_recorded_by_the_clinic_is_what_the_patient_sees(
    phone: Any, browser: Any, server: Server, shots: Path
) -> None:
    axe = Axe()
    problems: dict[str, list[str]] = {}
    desk = _laptop(browser, server)
    log_in(desk, server.world.clinician_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    desk.goto(f"/clinic/patients/{server.world.patient_a_id}")
    desk.get_by_role("link", name="Record a session").click()
    desk.wait_for_url("**/treatments/new")
    problems["record a session"] = _any_violation(axe.run(desk))

    desk.get_by_label("Needle depth in millimetres").fill("")
    desk.get_by_role("button", name="Record session").click()
    desk.wait_for_load_state()
    assert desk.locator("#depth_mm-error").is_visible()
    problems["record a session (error)"] = _any_violation(axe.run(desk))

    yesterday = date.today() - timedelta(days=1)
    desk.get_by_label("Date of the session").fill(yesterday.isoformat())
    desk.get_by_label("Needle depth in millimetres").fill("0.5")
    desk.get_by_label("Operator (optional)").fill("Cleo Clinician")
    desk.get_by_label("Planned next session (optional)").fill(
        (yesterday + timedelta(days=35)).isoformat()
    )
    desk.get_by_role("button", name="Record session").click()
    desk.wait_for_url(f"**/clinic/patients/{server.world.patient_a_id}*")
    treatments = desk.locator("#treatment-heading").locator("xpath=../..")
    assert "Session 2" in treatments.inner_text() and "in force" in treatments.inner_text()
    problems["patient page (series)"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-patient-sessions.png", full_page=True)

    desk.get_by_role("link", name="Edit session 2").click()
    desk.wait_for_url("**/treatments/*")
    problems["edit treatment"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-edit-treatment.png", full_page=True)
    desk.context.close()

    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    assert phone.get_by_role("heading", name="Day 1 after treatment").is_visible()
    assert phone.get_by_role("heading", name="Your next session").is_visible()
    problems["today (next session)"] = _any_violation(axe.run(phone))
    phone.screenshot(path=shots / "phone-today-next-session.png", full_page=True)
    phone.goto("/history")
    problems["history (grouped)"] = _any_violation(axe.run(phone))
    assert {path: found for path, found in problems.items() if found} == {}


def test_patient_page_download_buttons_and_the_recommendation_check(
    browser: Any, server: Server, shots: Path
) -> None:
    axe = Axe()
    desk = _laptop(browser, server)
    log_in(desk, server.world.clinician_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    desk.goto(f"/clinic/patients/{server.world.patient_a_id}")
    found: dict[str, bytes] = {}
    for label in ("Report (PDF)", "All data (JSON)", "Check-ins (CSV)", "FHIR R4 bundle"):
        with desk.expect_download() as info:
            desk.get_by_role("link", name=label).click()
        download = info.value
        found[download.suggested_filename] = Path(download.path()).read_bytes()
    assert sorted(n.rsplit(".", 1)[-1] for n in found) == ["csv", "json", "json", "pdf"]
    pdf = next(content for name, content in found.items() if name.endswith(".pdf"))
    assert pdf.startswith(b"%PDF")
    fhir = next(content for name, content in found.items() if name.endswith(".fhir.json"))
    assert json.loads(fhir)["resourceType"] == "Bundle"

    desk.get_by_label("Product", exact=True).fill("Night retinol")
    desk.get_by_label("Ingredient list (optional)").fill("Aqua, Glycerin, Retinol")
    desk.get_by_role("button", name="Check against the recovery").click()
    desk.wait_for_load_state()
    assert desk.locator(".verdict-avoid").first.is_visible()
    violations = _any_violation(axe.run(desk))
    desk.get_by_role("button", name="Add recommendation").click()
    desk.wait_for_load_state()
    assert desk.locator("#acknowledge_avoid-error").is_visible()
    violations += _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-recommendation-avoid.png", full_page=True)
    desk.get_by_label("I recommend it anyway").check()
    desk.get_by_role("button", name="Add recommendation").click()
    desk.wait_for_url(f"**/clinic/patients/{server.world.patient_a_id}*")
    assert desk.get_by_text("Recommendation added.").is_visible()
    desk.context.close()
    assert violations == []


def test_account_page_on_a_phone(phone: Any, server: Server, shots: Path) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    phone.get_by_role("link", name="My account").last.click()
    phone.wait_for_url("**/account")
    problems = _any_violation(Axe().run(phone))
    phone.get_by_label("Time of day for reminders").fill("07:30")
    phone.get_by_label("Pause reminders").check()
    phone.get_by_role("button", name="Save reminder settings").click()
    phone.wait_for_url("**/account*")
    assert phone.get_by_text("Reminders paused.").is_visible()
    phone.get_by_text("I want to delete my account").click()
    problems += _any_violation(Axe().run(phone))
    phone.screenshot(path=shots / "phone-account.png", full_page=True)
    assert problems == []
