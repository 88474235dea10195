"""Real Chromium against a real server: the patient check-in on a phone, the product checker,
the clinic alert flow, and axe on every main page (no serious or critical violations)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import Server

pytestmark = pytest.mark.browser


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")


def tap(page: Any, question: str, answer: str) -> None:
    """Answer a segmented question by tapping the visible button, as a person would."""
    group = page.get_by_role("group", name=question, exact=True)
    group.locator("label").filter(has_text=re.compile(rf"^{re.escape(answer)}")).first.click()


def none_of_the_others(page: Any) -> None:
    """Tick "I have none of the other warning signs": they start unanswered (never "No")."""
    page.locator('input[name="no_warning_signs"]').check()


def test_patient_checks_in_on_a_phone_and_sees_an_expected_result(
    phone: Any, server: Server, shots: Path
) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    assert phone.get_by_role("heading", name="Day 3 after treatment").is_visible()
    phone.screenshot(path=shots / "phone-today.png", full_page=True)

    phone.get_by_role("link", name="Do today's check-in").click()
    tap(phone, "Redness", "Mild")
    tap(phone, "Flaking or peeling?", "Yes")
    phone.screenshot(path=shots / "phone-checkin.png")
    none_of_the_others(phone)
    phone.get_by_role("button", name="Send check-in").click()

    phone.wait_for_url("**/checkins/*")
    banner = phone.locator(".result-banner")
    assert "level-expected" in (banner.get_attribute("class") or "")
    assert "normal healing" in banner.inner_text()
    phone.screenshot(path=shots / "phone-result-expected.png", full_page=True)
    assert _serious(Axe().run(phone)) == []


def test_red_flag_check_in_says_plainly_to_get_care_today(
    phone: Any, server: Server, shots: Path
) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/checkin")
    tap(phone, "Trouble breathing or swallowing?", "Yes")
    tap(phone, "Swelling of the lips, tongue, eyelids or whole face?", "Yes")
    none_of_the_others(phone)
    phone.get_by_role("button", name="Send check-in").click()

    phone.wait_for_url("**/checkins/*")
    banner = phone.locator(".result-banner")
    assert "level-urgent" in (banner.get_attribute("class") or "")
    text = banner.inner_text()
    assert "Get medical care today" in text
    assert "emergency" in text
    phone.screenshot(path=shots / "phone-result-urgent.png", full_page=True)
    assert _serious(Axe().run(phone)) == []


def test_breakout_details_appear_only_when_there_are_breakouts(phone: Any, server: Server) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/checkin")
    details = phone.locator("#breakout-details")
    assert details.is_hidden()
    tap(phone, "How many new spots?", "3–5")
    assert details.is_visible()


def test_product_checker_on_a_phone(phone: Any, server: Server, shots: Path) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/products")
    phone.get_by_label("Ingredient list").fill(
        "Aqua (Water), Glycerin, Retinol, Niacinamide, Parfum (Fragrance)"
    )
    phone.get_by_role("button", name="Check ingredients").click()
    verdict = phone.locator("#verdict")
    verdict.wait_for()
    assert "Not yet" in verdict.inner_text()
    assert "From day" in verdict.inner_text()
    assert phone.locator(".finding").count() >= 1
    phone.screenshot(path=shots / "phone-products.png", full_page=True)
    assert _serious(Axe().run(phone)) == []


def test_clinic_alert_flow(phone: Any, desk: Any, server: Server, shots: Path) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/checkin")
    tap(phone, "Fever or chills?", "Yes")
    tap(phone, "Redness that is spreading or getting bigger?", "Yes")
    none_of_the_others(phone)
    phone.get_by_role("button", name="Send check-in").click()
    phone.wait_for_url("**/checkins/*")

    log_in(desk, server.world.clinician_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    row = desk.locator("tr", has_text="Paula Patient").filter(has_text="not yet seen")
    assert row.count() == 1  # one row per patient, however many alerts
    desk.screenshot(path=shots / "desk-alerts.png", full_page=True)

    row.get_by_role("button", name="Acknowledge Paula Patient").click()
    desk.wait_for_load_state()
    assert "not yet seen" not in desk.locator("tr", has_text="Paula Patient").inner_text()

    desk.locator("tr", has_text="Paula Patient").get_by_role(
        "link", name="Paula Patient", exact=True
    ).click()
    desk.wait_for_url("**/checkins/*")
    desk.get_by_text("Resolve…").click()
    desk.get_by_label("What was done").fill("Called Paula; seen in clinic at 3 pm.")
    desk.get_by_role("button", name="Resolve").click()
    desk.wait_for_load_state()
    assert desk.get_by_role("status").first.inner_text().startswith("Alert resolved")


PATIENT_PAGES = ["/today", "/checkin", "/products", "/history", "/treatment/new"]
CLINIC_PAGES = [
    "/clinic/alerts",
    "/clinic/patients",
    "/clinic/invite",
    "/clinic/staff",
    "/clinic/audit",
]


def _serious(results: Any) -> list[str]:
    return [line for line, impact in _violations(results) if impact in ("serious", "critical")]


def _any_violation(results: Any) -> list[str]:
    """Every axe violation, whatever its impact (the pages built this round are held to it)."""
    return [line for line, _ in _violations(results)]


def _violations(results: Any) -> list[tuple[str, str]]:
    return [
        (
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}",
            str(v.get("impact")),
        )
        for v in results.response["violations"]
    ]


def test_main_pages_have_no_serious_accessibility_violations(
    phone: Any, desk: Any, server: Server, shots: Path
) -> None:
    axe = Axe()
    problems: dict[str, list[str]] = {}
    phone.goto("/login")
    problems["/login"] = _serious(axe.run(phone))
    phone.goto("/register")
    problems["/register"] = _serious(axe.run(phone))
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    for path in PATIENT_PAGES:
        phone.goto(path)
        problems[path] = _serious(axe.run(phone))
        phone.screenshot(path=shots / f"phone{path.replace('/', '-')}.png", full_page=True)
    response = phone.goto("/no-such-page")
    assert response.status == 404
    phone.console_errors.remove(
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    )
    problems["404"] = _serious(axe.run(phone))
    phone.screenshot(path=shots / "phone-404.png")
    log_in(desk, server.world.admin_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    for path in [*CLINIC_PAGES, f"/clinic/patients/{server.world.patient_a_id}"]:
        desk.goto(path)
        problems[path] = _serious(axe.run(desk))
    desk.screenshot(path=shots / "desk-patient.png", full_page=True)
    assert {path: found for path, found in problems.items() if found} == {}


def test_check_in_works_without_javascript(browser: Any, server: Server) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, base_url=server.url
    )
    page = context.new_page()
    try:
        log_in(page, server.world.patient_a, server.password)
        page.wait_for_url("**/today")
        page.goto("/checkin")
        assert page.locator("#breakout-details").is_visible()  # nothing hidden without JS
        tap(page, "Swelling", "Slight")
        none_of_the_others(page)
        page.get_by_role("button", name="Send check-in").click()
        page.wait_for_url("**/checkins/*")
        assert page.locator(".result-banner").is_visible()
    finally:
        context.close()
