"""Issue 18 in Chromium: a logged-in password change from the footer's link, on a laptop
(staff) and a phone (patient, in Spanish): a mistake shown at its field, the change keeps
this browser logged in and logs out the other one; axe (any impact) on every state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import Server
from .test_browser_flows import _any_violation, log_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
NEW_PASSWORD = "lanterns over the quiet bay 8"


def test_staff_change_their_password_and_the_other_browser_is_logged_out(
    browser: Any, server: Server, shots: Path
) -> None:
    axe = Axe()
    problems: dict[str, list[str]] = {}
    desk = browser.new_context(viewport=LAPTOP, base_url=server.url).new_page()
    other = browser.new_context(viewport=LAPTOP, base_url=server.url).new_page()
    for page in (desk, other):
        log_in(page, server.world.clinician_a, server.password)
        page.wait_for_url("**/clinic/**")
    desk.get_by_role("link", name="Change my password").click()
    desk.wait_for_url("**/settings/password")
    problems["/settings/password"] = _any_violation(axe.run(desk))
    desk.get_by_label("Current password").fill(server.password)
    desk.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    desk.get_by_label("New password again").fill(NEW_PASSWORD + " typo")
    desk.get_by_role("button", name="Change password").click()
    desk.wait_for_load_state()
    assert desk.locator("#new_password_again-error").is_visible()
    problems["/settings/password (error)"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-password-error.png", full_page=True)
    desk.get_by_label("Current password").fill(server.password)
    desk.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    desk.get_by_label("New password again").fill(NEW_PASSWORD)
    desk.get_by_role("button", name="Change password").click()
    desk.wait_for_url("**/settings/password")
    assert desk.get_by_role("status").filter(has_text="Your password is changed").is_visible()
    problems["/settings/password (changed)"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-password-changed.png", full_page=True)
    desk.goto("/clinic/patients")
    assert desk.url.endswith("/clinic/patients")  # still logged in here
    other.goto("/clinic/patients")
    other.wait_for_url("**/login**")  # the other browser's session ended
    log_in(other, server.world.clinician_a, NEW_PASSWORD)
    other.wait_for_url("**/clinic/**")
    desk.context.close()
    other.context.close()
    assert {page: found for page, found in problems.items() if found} == {}


def test_the_patients_page_in_spanish_on_a_phone(phone: Any, server: Server, shots: Path) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    phone.goto("/settings/language")
    phone.get_by_text("Español").click()
    phone.get_by_role("button", name="Save").click()
    phone.wait_for_load_state()
    phone.goto("/settings/password")
    assert phone.get_by_role("heading", name="Cambiar mi contraseña").is_visible()
    phone.get_by_label("Contraseña actual").fill("no es la contraseña")
    phone.get_by_label("Contraseña nueva", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Contraseña nueva otra vez").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Cambiar la contraseña").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("Esta no es tu contraseña actual.").first.is_visible()
    phone.console_errors.clear()  # the refused change answers 422 on purpose
    assert _any_violation(Axe().run(phone)) == []
    phone.screenshot(path=shots / "phone-password-es.png", full_page=True)
