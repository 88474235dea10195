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


def test_scan_check_and_save_the_product_with_its_photo_on_a_phone(
    phone: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    """One action keeps the product and the scan's photo; the photo served back is clean."""
    from PIL import Image

    from photos.metadata import SECRET, assert_no_metadata, jpeg_with_everything

    label = tmp_path / "label-with-gps.jpg"
    label.write_bytes(jpeg_with_everything(Image.open(PHOTOS / "clean_retinol_serum.jpg")))
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/products")
    with phone.expect_file_chooser() as chooser:
        phone.get_by_label("Scan the label").click()
    chooser.value.set_files(str(label))
    phone.get_by_role("button", name="Read the label").click()
    phone.locator("#scan-result").wait_for()
    assert phone.get_by_role("img", name="Your photo of the label").count() == 1
    phone.get_by_role("button", name="Check ingredients").click()
    phone.locator("#verdict").wait_for()
    keep = phone.get_by_label("Keep my photo of the label with it")
    assert keep.is_checked()
    phone.get_by_label("Product name").fill("Scanned serum")
    assert _any_violation(Axe().run(phone)) == []
    phone.locator("#save-heading").locator("xpath=..").screenshot(
        path=shots / "phone-scan-save-with-photo.png"
    )
    phone.get_by_role("button", name="Save to my products").click()
    phone.wait_for_url("**/products/mine")
    assert "with your photo of its label" in phone.get_by_role("status").first.inner_text()
    item = phone.locator(".shelf-item", has_text="Scanned serum")
    link = item.get_by_role("link", name="Photo of the label")
    assert link.count() == 1
    served = phone.request.get(server.url + link.get_attribute("href"))
    assert served.status == 200 and SECRET not in served.body()
    assert_no_metadata(served.body())
    assert _any_violation(Axe().run(phone)) == []
    phone.screenshot(path=shots / "phone-shelf-after-scan-save.png", full_page=True)
