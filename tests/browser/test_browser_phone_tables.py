"""Tables on a 390 px phone (outside tester's findings 5 and 11): the history's check-ins and
the checker's "All N ingredients" stack per row, so no badge is cut and no column hides past
the edge; on a laptop they stay ordinary tables. Axe: no violation of any impact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import Server
from .test_browser_flows import _any_violation, log_in, none_of_the_others, tap

pytestmark = pytest.mark.browser

# Every cell's content (and each badge) must lie inside the table's box and show whole.
CUT_OFF = """(sel) => {
  const table = document.querySelector(sel);
  const box = table.closest('.table-wrap').getBoundingClientRect();
  const out = [];
  for (const el of table.querySelectorAll('tbody td, tbody td > *, .level, .flag')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.right > box.right + 1 || r.left < box.left - 1 || el.scrollWidth > el.clientWidth + 1)
      out.push(el.textContent.trim().replace(/\\s+/g, ' '));
  }
  const wrap = table.closest('.table-wrap');
  return {out, wrapScrolls: wrap.scrollWidth > wrap.clientWidth + 1};
}"""
VISIBLE_LABELS = """(sel) => [
  ...document.querySelectorAll(sel + ' tbody tr:first-child .cell-label')]
  .filter(e => e.getBoundingClientRect().width > 0).map(e => e.textContent.trim())"""


def _check_in(page: Any) -> None:
    page.goto("/checkin")
    tap(page, "Redness", "Mild")
    none_of_the_others(page)
    page.get_by_role("button", name="Send check-in").click()
    page.wait_for_url("**/checkins/*")


def test_history_checkins_stack_on_a_phone(
    phone: Any, desk: Any, server: Server, shots: Path
) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    _check_in(phone)
    phone.goto("/history")
    table = ".stack-table"
    found = phone.evaluate(CUT_OFF, table)
    assert found == {"out": [], "wrapScrolls": False}
    # each score says what it is, since the header row is not on screen
    assert phone.evaluate(VISIBLE_LABELS, table) == ["Redness", "Swelling", "Pain", "Spots"]
    assert phone.get_by_role("cell", name="Day 3").is_visible()
    phone.locator(table).screenshot(path=shots / "phone-history-table.png")
    assert _any_violation(Axe().run(phone, context=".table-wrap")) == []

    # a laptop keeps the ordinary table with its header row, and no label repeated in cells
    log_in(desk, server.world.patient_a, server.password)
    desk.goto("/history")
    assert desk.get_by_role("columnheader", name="Redness").is_visible()
    assert desk.evaluate(VISIBLE_LABELS, table) == []
    assert desk.evaluate(CUT_OFF, table) == {"out": [], "wrapScrolls": False}


def test_all_ingredients_table_stacks_on_a_phone(phone: Any, server: Server, shots: Path) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    phone.goto("/products")
    phone.get_by_label("Ingredient list").fill(
        "Aqua (Water), Glycerin, Retinol, Salicylic Acid, Sodium Hyaluronate, "
        "Parfum (Fragrance), Limonene"
    )
    phone.get_by_role("button", name="Check ingredients").click()
    phone.locator("#verdict").wait_for()
    phone.get_by_text("All 7 ingredients").click()
    table = "#ingredients-heading + .table-wrap .stack-table"
    found = phone.evaluate(CUT_OFF, table)
    assert found == {"out": [], "wrapScrolls": False}
    assert phone.evaluate(VISIBLE_LABELS, table) == ["Recognised as"]
    retinol = phone.get_by_role("row").filter(has_text="Retinol").first
    assert "Notes" in retinol.inner_text()
    retinol.screenshot(path=shots / "phone-ingredient-row.png")
    phone.locator(table).screenshot(path=shots / "phone-ingredients-table.png")
    assert _any_violation(Axe().run(phone, context=".table-wrap")) == []
