"""Small things a user notices, measured in Chromium on a 390 px phone: long words wrap,
answer labels fit their buttons, <summary> elements show an arrow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Server
from .test_browser_flows import log_in

pytestmark = pytest.mark.browser

OVERFLOWING_LABELS = """() => [...document.querySelectorAll('.segmented label, button, .button')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.trim().replace(/\\s+/g, ' '))"""
SUMMARY_ARROWS = """() => [...document.querySelectorAll('summary')].map(
  s => getComputedStyle(s, '::before').content)"""


def test_a_long_word_wraps_instead_of_stretching_the_page(
    phone: Any, server: Server, shots: Path
) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    phone.goto("/messages")
    phone.get_by_label("Write to your clinic").fill("itchy" * 200)
    phone.get_by_role("button", name="Send").click()
    phone.wait_for_url("**/messages*")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    phone.screenshot(path=shots / "phone-long-word.png", full_page=True)


def test_answer_labels_fit_their_buttons_on_a_phone(
    phone: Any, server: Server, shots: Path
) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    problems: dict[str, list[str]] = {}
    for path in ("/checkin", "/today", "/products", "/account"):
        phone.goto(path)
        problems[path] = phone.evaluate(OVERFLOWING_LABELS)
        if path == "/checkin":
            phone.screenshot(path=shots / "phone-checkin-labels.png", full_page=False)
    assert {path: found for path, found in problems.items() if found} == {}


def test_summaries_show_an_arrow(phone: Any, server: Server) -> None:
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    for path in ("/today", "/account"):
        phone.goto(path)
        arrows = phone.evaluate(SUMMARY_ARROWS)
        assert arrows and all(a not in ("none", "normal", "") for a in arrows), (path, arrows)
