"""Real Chromium on a phone: take a photo with the file chooser, correct the list, get the
verdict; the same without JavaScript; axe finds nothing serious on the scan pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser.conftest import Server
from browser.test_browser_flows import _any_violation, log_in

pytestmark = pytest.mark.browser
PHOTOS = Path(__file__).parent / "photos"


def test_scan_correct_and_check_on_a_phone(phone: Any, server: Server, shots: Path) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/products")
    phone.screenshot(path=shots / "phone-scan-start.png", full_page=True)
    with phone.expect_file_chooser() as chooser:
        phone.get_by_label("Scan the label").click()
    chooser.value.set_files(str(PHOTOS / "moderate_glycolic_toner.jpg"))
    phone.get_by_role("button", name="Read the label").click()
    phone.locator("#scan-result").wait_for()
    box = phone.get_by_label("Ingredient list (correct it if needed)")
    recognised = box.input_value()
    assert "Glycolic Acid" in recognised
    assert _any_violation(Axe().run(phone)) == []
    phone.screenshot(path=shots / "phone-scan-read.png", full_page=True)
    # The patient corrects a word the way they would after comparing with the label.
    box.fill(recognised.replace("Glycerin", "Glycerin, Retinol"))
    phone.get_by_role("button", name="Check ingredients").click()
    verdict = phone.locator("#verdict")
    verdict.wait_for()
    assert "RETINOL" in " ".join(phone.locator(".finding").all_inner_texts())
    phone.screenshot(path=shots / "phone-scan-verdict.png", full_page=True)


def test_a_file_that_is_not_a_photo_gets_a_message_by_the_input(
    phone: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "label.jpg"
    fake.write_text("Aqua, Glycerin")
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/products")
    phone.get_by_label("Scan the label").set_input_files(str(fake))
    phone.get_by_role("button", name="Read the label").click()
    error = phone.locator("#file-error")
    error.wait_for()
    assert "not an image" in error.inner_text()
    phone.screenshot(path=shots / "phone-scan-wrong-file.png", full_page=True)
    # The 422 of the refused file is the only console entry, and it is on purpose.
    assert [e for e in phone.console_errors if "422" not in e] == []
    phone.console_errors.clear()


def test_scan_works_without_javascript(browser: Any, server: Server) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, base_url=server.url
    )
    page = context.new_page()
    try:
        log_in(page, server.world.patient_a, server.password)
        page.wait_for_url("**/today")
        page.goto("/products")
        page.get_by_label("Scan the label").set_input_files(str(PHOTOS / "clean_retinol_serum.jpg"))
        page.get_by_role("button", name="Read the label").click()
        page.locator("#scan-result").wait_for()
        assert (
            "Retinol" in page.get_by_label("Ingredient list (correct it if needed)").input_value()
        )
    finally:
        context.close()
