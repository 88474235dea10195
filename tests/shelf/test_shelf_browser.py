"""Real Chromium on a phone: add products to the shelf, see today's routine and the calendar
of returns; axe finds nothing serious."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser.conftest import Server
from browser.test_browser_flows import _any_violation, log_in

pytestmark = pytest.mark.browser
LABEL = Path(__file__).parents[1] / "ocr" / "photos" / "clean_retinol_serum.jpg"


def _add(phone: Any, name: str, brand: str, ingredients: str, rinse_off: bool = False) -> None:
    phone.get_by_label("Product name").fill(name)
    phone.get_by_label("Brand (optional)").fill(brand)
    phone.get_by_label("Ingredient list").fill(ingredients)
    if rinse_off:
        phone.get_by_label("Rinse-off (a cleanser or mask you wash off)").check()
    phone.get_by_role("button", name="Add to my products").click()
    phone.wait_for_url("**/products/mine")


def test_shelf_routine_and_calendar_on_a_phone(phone: Any, server: Server, shots: Path) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/products/mine")
    _add(phone, "Night serum", "Acme", "Aqua, Glycerin, Retinol, Tocopherol")
    _add(phone, "Glow toner", "", "Water, Glycolic Acid, Glycerin, Fragrance (Parfum)")
    _add(phone, "Barrier cream", "Plainly", "Aqua, Glycerin, Panthenol, Squalane, Ceramide NP")
    _add(phone, "Gentle wash", "Plainly", "Aqua, Glycerin, Coco-Glucoside", rinse_off=True)
    routine = phone.locator(".shelf-list").inner_text()
    assert "Night serum" in routine and "Not yet" in routine and "until day 7" in routine
    assert "Barrier cream" in routine and "Use" in routine
    calendar = phone.locator(".shelf-calendar").inner_text()
    assert "Day 7" in calendar and "Night serum" in calendar
    assert _any_violation(Axe().run(phone)) == []
    phone.screenshot(path=shots / "phone-shelf-routine.png", full_page=True)
    # Keep a photo of the night serum's label: the camera input, through the file chooser.
    serum = phone.locator(".shelf-item", has_text="Night serum")
    serum.get_by_text("Keep a photo of the label").click()
    with phone.expect_file_chooser() as chooser:
        serum.get_by_label("Photo of the label").click()
    chooser.value.set_files(str(LABEL))
    serum.get_by_role("button", name="Keep the photo").click()
    phone.wait_for_url("**/products/mine")
    assert "kept with the product" in phone.get_by_role("status").first.inner_text()
    link = phone.locator(".shelf-item", has_text="Night serum").get_by_role(
        "link", name="Photo of the label"
    )
    assert link.count() == 1
    assert _any_violation(Axe().run(phone)) == []
    phone.screenshot(path=shots / "phone-shelf-label-photo.png", full_page=True)


def test_the_same_product_twice_gets_a_message_by_the_name(
    phone: Any, server: Server, shots: Path
) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/products/mine")
    _add(phone, "Day fluid", "Acme", "Aqua, Glycerin, Niacinamide")
    phone.get_by_label("Product name").fill("day fluid")
    phone.get_by_label("Brand (optional)").fill("ACME")
    phone.get_by_label("Ingredient list").fill("Aqua, Glycerin, Retinol")
    phone.get_by_role("button", name="Add to my products").click()
    error = phone.locator("#name-error")
    error.wait_for()
    assert "You already have day fluid on your shelf." in error.inner_text()
    assert phone.locator(".shelf-item", has_text="Day fluid").count() == 1
    assert _any_violation(Axe().run(phone)) == []
    phone.screenshot(path=shots / "phone-shelf-twice.png", full_page=True)
    # The refused form's 422 is the only console entry, and it is on purpose.
    assert [e for e in phone.console_errors if "422" not in e] == []
    phone.console_errors.clear()


def test_the_clinic_sees_the_shelf_on_a_laptop(
    browser: Any, phone: Any, server: Server, shots: Path
) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.goto("/products/mine")
    if "Laptop serum" not in phone.content():
        _add(phone, "Laptop serum", "Acme", "Aqua, Glycerin, Retinol, Tocopherol")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server.url)
    desk = context.new_page()
    try:
        log_in(desk, server.world.clinician_a, server.password)
        desk.wait_for_url("**/clinic/**")
        desk.goto(f"/clinic/patients/{server.world.patient_a_id}")
        products = desk.locator("#shelf-heading").locator("xpath=..")
        assert "Laptop serum" in products.inner_text()
        assert "until day 7" in products.inner_text()
        assert _any_violation(Axe().run(desk)) == []
        products.screenshot(path=shots / "desk-patient-shelf.png")
    finally:
        context.close()


def test_the_clinic_catalogue_page_on_a_laptop(browser: Any, server: Server, shots: Path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server.url)
    desk = context.new_page()
    try:
        log_in(desk, server.world.clinician_a, server.password)
        desk.wait_for_url("**/clinic/**")
        desk.get_by_role("link", name="Catalogue").first.click()
        desk.wait_for_url("**/clinic/catalogue")
        desk.get_by_label("Product name").fill("Calm balm")
        desk.get_by_label("Barcode digits (optional)").fill("4006381333932")  # a typo
        desk.get_by_label("Ingredient list").fill("Aqua, Glycerin, Panthenol, Squalane")
        desk.get_by_role("button", name="Add to the catalogue").click()
        assert "last digit does not match" in desk.locator("#barcode-error").inner_text()
        assert _any_violation(Axe().run(desk)) == []
        desk.get_by_label("Barcode digits (optional)").fill("4006381333931")
        desk.get_by_role("button", name="Add to the catalogue").click()
        desk.wait_for_url("**/clinic/catalogue")
        assert "Calm balm" in desk.locator(".catalogue-table").inner_text()
        assert _any_violation(Axe().run(desk)) == []
        desk.screenshot(path=shots / "desk-catalogue.png", full_page=True)
    finally:
        context.close()
