"""Issue 19 leftovers in Chromium, phone (390 px) and laptop: clinic sign-up behind
NEEDLECARE_CLINIC_SIGNUP, the audit log's patient search (no drop-down of every patient), and
the staff list a clinician reads without its controls; axe with any impact on each."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from needlecare.services import patients
from needlecare.services.auth import principal_for
from needlecare.storage.models import User
from needlecare.storage.uow import UnitOfWork

from .conftest import PHONE, Server, serve
from .test_browser_flows import _any_violation, log_in, log_out

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory, clinic_signup=True)


def _page(browser: Any, server: Server, viewport: dict[str, int]) -> Any:
    mobile = viewport["width"] < 500
    context = browser.new_context(
        viewport=viewport, is_mobile=mobile, has_touch=mobile, base_url=server.url
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    return page


def _expect_422(page: Any) -> None:
    """The page answered 422 on purpose (the console notes it): that entry and no other."""
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    page.console_errors.clear()


def _no_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_clinic_signs_itself_up(browser: Any, server: Server, shots: Path, size: str) -> None:
    page = _page(browser, server, PHONE if size == "phone" else LAPTOP)
    axe = Axe()
    page.goto("/signup/clinic")
    problems = {"signup": _any_violation(axe.run(page))}
    # Nothing filled in: each message says what is missing, under its own field.
    page.get_by_role("button", name="Create the clinic").click()
    page.wait_for_load_state()
    for field in ("clinic_name", "display_name", "email", "password"):
        assert page.locator(f"#{field}-error").is_visible(), field
        described = page.locator(f"#{field}").get_attribute("aria-describedby") or ""
        assert f"{field}-error" in described
    problems["signup (errors)"] = _any_violation(axe.run(page))
    _expect_422(page)
    page.screenshot(path=shots / f"{size}-clinic-signup-errors.png", full_page=True)
    _no_overflow(page)

    page.get_by_label("Clinic name").fill(f"Rowan Skin {size}")
    page.get_by_label("Your name").fill("Rae Rowan")
    page.get_by_label("Your work email").fill(f"rae-{size}@rowan.test")
    page.get_by_label("Choose a password").fill("lanterns over the quiet bay 8")
    page.get_by_role("button", name="Create the clinic").click()
    page.wait_for_url("**/clinic/settings")
    assert page.get_by_text("Welcome, Rae Rowan").is_visible()
    assert page.get_by_label("Clinic name").input_value() == f"Rowan Skin {size}"
    problems["settings (signed up)"] = _any_violation(axe.run(page))
    page.screenshot(path=shots / f"{size}-clinic-signup-done.png", full_page=True)
    _no_overflow(page)
    assert page.console_errors == []
    page.context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def _second_patient(server: Server) -> int:
    factory = server.session_factory
    with factory() as session:
        ada = session.scalar(select_user(server.world.admin_a))
        admin = principal_for(session, ada)
    created = patients.create_patient(
        UnitOfWork(factory),
        admin,
        patients.PatientCreate(display_name="Pauline Other", email="pauline@example.test"),
    )
    return created.id


def select_user(email: str) -> Any:
    from sqlalchemy import select

    return select(User).where(User.email == email)


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_the_audit_log_finds_a_patient_by_name(
    browser: Any, server: Server, shots: Path, size: str
) -> None:
    page = _page(browser, server, PHONE if size == "phone" else LAPTOP)
    axe = Axe()
    if size == "phone":
        _second_patient(server)
    log_in(page, server.world.admin_a, server.password)
    page.wait_for_url("**/clinic/**")
    page.goto(f"/clinic/patients/{server.world.patient_a_id}")
    page.goto("/clinic/audit")
    assert page.locator("select#patient").count() == 0  # a search, not every patient
    page.get_by_label("Patient").fill("paul")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    # Two patients match: the message is under the box, with the two to pick from.
    assert "Several patients match" in page.locator("#patient-error").inner_text()
    problems = {"audit (two found)": _any_violation(axe.run(page))}
    _expect_422(page)
    page.locator(".audit-matches").get_by_role("link", name="Paula Patient").click()
    page.wait_for_load_state()
    assert page.get_by_text("Entries about Paula Patient").is_visible()
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    assert all("Paula Patient" in text for text in rows.all_inner_texts())
    page.screenshot(path=shots / f"{size}-audit-patient.png", full_page=True)
    _no_overflow(page)

    page.get_by_label("Patient").fill("nobody-like-this")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    error = page.locator("#patient-error")
    assert error.is_visible()
    assert "No patient of your clinic matches" in error.inner_text()
    problems["audit (no match)"] = _any_violation(axe.run(page))
    _expect_422(page)
    page.screenshot(path=shots / f"{size}-audit-no-match.png", full_page=True)
    assert page.console_errors == []
    page.context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def test_a_clinician_reads_the_staff_list_on_a_phone(
    browser: Any, server: Server, shots: Path
) -> None:
    page = _page(browser, server, PHONE)
    log_in(page, server.world.clinician_a, server.password)
    page.wait_for_url("**/clinic/**")
    page.get_by_role("link", name="Staff").click()
    page.wait_for_url("**/clinic/staff")
    assert page.get_by_role("cell", name=re.compile("^Ada Admin")).is_visible()
    assert page.get_by_role("button", name=re.compile("Deactivate|Change")).count() == 0
    assert page.get_by_label("Their work email").count() == 0
    problems = _any_violation(Axe().run(page))
    page.screenshot(path=shots / "phone-staff-clinician.png", full_page=True)
    _no_overflow(page)
    log_out(page)
    assert page.console_errors == []
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_refused_staff_change_is_explained_next_to_its_control(
    browser: Any, server: Server, shots: Path, size: str
) -> None:
    page = _page(browser, server, PHONE if size == "phone" else LAPTOP)
    log_in(page, server.world.admin_a, server.password)
    page.wait_for_url("**/clinic/**")
    page.goto("/clinic/staff")
    row = page.get_by_role("row", name=re.compile("Ada Admin"))
    row.get_by_label(re.compile("Role of Ada Admin")).select_option("clinician")
    row.get_by_role("button", name=re.compile("Change")).click()
    page.wait_for_load_state()
    row = page.get_by_role("row", name=re.compile("Ada Admin"))
    error = row.locator("#staff-error")
    assert "at least one active admin" in error.inner_text()
    assert error.is_visible() and error.evaluate("e => e.getBoundingClientRect().top >= 0")
    assert error.evaluate("e => e.getBoundingClientRect().bottom <= window.innerHeight")
    role = page.locator(f"#member-role-{_ada_id(server)}")
    assert role.evaluate("e => document.activeElement === e")
    problems = _any_violation(Axe().run(page))
    page.screenshot(path=shots / f"{size}-staff-refused.png", full_page=False)
    _no_overflow(page)
    page.console_errors.remove(
        "Failed to load resource: the server responded with a status of 409 (Conflict)"
    )
    assert page.console_errors == []
    page.context.close()
    assert problems == []


def _ada_id(server: Server) -> int:
    with server.session_factory() as session:
        ada = session.scalar(select_user(server.world.admin_a))
        return int(ada.id)


def test_the_alert_queue_scrolls_inside_its_table_on_a_phone(
    browser: Any, server: Server, shots: Path
) -> None:
    """The compact queue is wider than a phone (and than a 1366 px laptop): it scrolls in its
    own region; the page itself does not scroll sideways."""
    from needlecare.services import checkins
    from needlecare.services.checkins import CheckinCreate

    with server.session_factory() as session:
        paula = principal_for(session, session.scalar(select_user(server.world.patient_a)))
    symptoms = {"redness": 3, "swelling": 3, "hives": True, "facial_swelling": True, "fever": True}
    symptoms.update(pus_or_yellow_crust=True, spreading_redness=True, breathing_difficulty=True)
    checkins.submit_checkin(
        UnitOfWork(server.session_factory),
        paula,
        server.world.patient_a_id,
        CheckinCreate(symptoms=symptoms),
    )
    for viewport, name in ((PHONE, "phone"), (LAPTOP, "laptop")):
        page = _page(browser, server, viewport)
        log_in(page, server.world.clinician_a, server.password)
        page.wait_for_url("**/clinic/**")
        page.goto("/clinic/alerts")
        queue = page.get_by_role("region", name="Alert queue, scrolls sideways")
        assert queue.get_by_role("link", name=re.compile("Paula Patient")).count() >= 1
        _no_overflow(page)
        if name == "laptop":  # a 1024 px laptop window shows every column: no action cut off
            page.set_viewport_size({"width": 1024, "height": 768})
            sizes = queue.evaluate("r => [r.scrollWidth, r.clientWidth]")
            assert sizes[0] <= sizes[1], sizes
            # The names are cut, never the "+N" that says more findings follow (round 3).
            cell = queue.locator("td.findings").filter(has=page.locator(".findings-more")).first
            more = cell.locator(".findings-more")
            assert more.is_visible() and more.inner_text().startswith("+")
            edge, right = more.bounding_box(), cell.bounding_box()
            assert edge and right and edge["x"] + edge["width"] <= right["x"] + right["width"]
            page.set_viewport_size(LAPTOP)
        assert _any_violation(Axe().run(page)) == []
        page.screenshot(path=shots / f"{name}-alert-queue.png", full_page=True)
        assert page.console_errors == []
        page.context.close()
