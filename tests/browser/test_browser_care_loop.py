"""The care loop in Chromium: the banner after a red flag (phone), the queue's order and a
clinician's reply (laptop) that the patient then reads on Today (phone), and axe on every new
page and state."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from needlecare.services import checkins, patients, treatments
from needlecare.services.auth import principal_for
from needlecare.services.checkins import CheckinCreate
from needlecare.storage.base import utcnow
from needlecare.storage.models import Checkin, User
from needlecare.storage.uow import UnitOfWork

from .conftest import Server
from .test_browser_flows import _any_violation, log_in, log_out, none_of_the_others, tap

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
ALLERGY = {"redness": 3, "swelling": 3, "hives": True, "facial_swelling": True}
CONTACT = {"redness": 2, "fever": True}


def _laptop(browser: Any, server: Server) -> Any:
    context = browser.new_context(viewport=LAPTOP, base_url=server.url)
    return context.new_page()


def _seed_queue(server: Server, how_many: int) -> None:
    """Other patients of the clinic with older alerts (urgent and contact_clinic)."""
    factory = server.session_factory
    with factory() as session:
        user = session.scalars(select(User).where(User.email == server.world.admin_a)).one()
        admin = principal_for(session, user)
    uow = UnitOfWork(factory)
    for i in range(how_many):
        patient = patients.create_patient(
            uow, admin, patients.PatientCreate(display_name=f"Older Patient {i:02d}")
        )
        treatments.create_treatment(
            uow,
            admin,
            patient.id,
            treatments.TreatmentCreate(
                treatment_date=utcnow().date() - timedelta(days=4),
                depth_mm=1.0,
                device="pen",
                areas=["face"],
            ),
        )
        symptoms = ALLERGY if i % 3 == 0 else CONTACT
        checkins.submit_checkin(
            uow,
            admin,
            patient.id,
            CheckinCreate(symptoms=symptoms),
            now=utcnow() - timedelta(hours=2 + i),
        )


def test_red_flag_banner_queue_order_and_a_reply_the_patient_reads(
    phone: Any, browser: Any, server: Server, shots: Path
) -> None:
    out = shots
    _seed_queue(server, 16)
    desk = _laptop(browser, server)

    # The admin sets the clinic's contact details first.
    log_in(desk, server.world.admin_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    assert desk.get_by_text("Patients cannot see how to reach you").is_visible()
    desk.screenshot(path=out / "laptop-queue-warning.png")
    desk.get_by_role("link", name="Settings").first.click()
    desk.get_by_label("Phone patients can call").fill("+44 20 7946 0000")
    desk.get_by_label("Opening hours").fill("Mon–Fri 9:00–18:00")
    desk.get_by_label("Address").fill("1 High Street, York")
    desk.get_by_label("Country").select_option("GB")
    desk.get_by_role("button", name="Save").click()
    desk.wait_for_url("**/clinic/settings")
    log_out(desk)

    # The patient reports fever, spreading redness and pus on the phone.
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    phone.goto("/checkin")
    tap(phone, "Fever or chills?", "Yes")
    tap(phone, "Redness that is spreading or getting bigger?", "Yes")
    tap(phone, "Pus, or yellow or honey-coloured crusts?", "Yes")
    none_of_the_others(phone)
    phone.get_by_role("button", name="Send check-in").click()
    phone.wait_for_url("**/checkins/*")
    phone.screenshot(path=out / "phone-result-urgent.png", full_page=True)
    phone.goto("/today")
    banner = phone.locator(".care-banner")
    assert banner.is_visible() and "Get medical care now" in banner.inner_text()
    assert phone.locator('.care-banner a[href="tel:+442079460000"]').is_visible()
    assert phone.locator('.care-banner a[href="tel:999"]').is_visible()
    assert "Today's check-in: Urgent" not in phone.locator("main").inner_text()
    phone.screenshot(path=out / "phone-today-banner.png", full_page=True)
    assert _any_violation(Axe().run(phone)) == []
    phone.goto("/products")
    assert phone.locator(".care-banner").is_visible()

    # The clinician: the fresh red flag is the first row, among 17 patients.
    log_in(desk, server.world.clinician_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    rows = desk.locator("table.queue-table tbody tr")
    assert rows.count() == 17
    assert "Paula Patient" in rows.first.inner_text()
    visible = sum(
        1 for i in range(rows.count()) if rows.nth(i).bounding_box()["y"] < LAPTOP["height"]
    )
    desk.screenshot(path=out / "laptop-queue.png")
    assert visible >= 15, visible
    assert _any_violation(Axe().run(desk)) == []

    # Clicks from the urgent alert to a sent reply: open the row, then Send.
    clicks = 0
    rows.first.get_by_role("link", name="Paula Patient", exact=True).click()
    clicks += 1
    desk.wait_for_url("**/checkins/*")
    desk.get_by_label("Reply to the patient").fill("Please call us now on 020 7946 0000.")
    desk.get_by_role("button", name="Send").click()
    clicks += 1
    desk.wait_for_load_state()
    assert "Message sent" in desk.get_by_role("status").first.inner_text()
    desk.screenshot(path=out / "laptop-checkin-page.png", full_page=True)
    assert _any_violation(Axe().run(desk)) == []
    assert clicks == 2

    # The patient reads it on Today.
    phone.goto("/today")
    assert phone.get_by_text("Please call us now on 020 7946 0000.").is_visible()
    phone.screenshot(path=out / "phone-today-reply.png", full_page=True)
    phone.goto("/messages")
    phone.get_by_label("Write to your clinic").fill("Calling now.")
    phone.get_by_role("button", name="Send").click()
    phone.wait_for_url("**/messages*")
    assert phone.get_by_text("Calling now.").is_visible()
    phone.screenshot(path=out / "phone-messages.png", full_page=True)
    assert _any_violation(Axe().run(phone)) == []
    desk.context.close()


def test_new_pages_and_states_have_no_accessibility_violations(
    phone: Any, browser: Any, server: Server, shots: Path
) -> None:
    out = shots
    axe = Axe()
    problems: dict[str, list[str]] = {}
    log_in(phone, server.world.patient_a, server.password)
    phone.wait_for_url("**/today")
    phone.goto("/messages")
    phone.get_by_role("button", name="Send").click()  # empty: the error state
    phone.wait_for_load_state()
    assert phone.locator("#message-error").is_visible()
    phone.console_errors.remove(
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    )
    problems["/messages (error)"] = _any_violation(axe.run(phone))
    phone.screenshot(path=out / "phone-messages-error.png", full_page=True)

    desk = _laptop(browser, server)
    log_in(desk, server.world.admin_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    desk.goto("/clinic/settings")
    problems["/clinic/settings"] = _any_violation(axe.run(desk))
    desk.get_by_label("Phone patients can call").fill("call me")
    desk.get_by_role("button", name="Save").click()
    desk.wait_for_load_state()
    problems["/clinic/settings (error)"] = _any_violation(axe.run(desk))
    desk.screenshot(path=out / "laptop-settings-error.png", full_page=True)
    desk.goto("/clinic/alerts?level=urgent&state=acknowledged&mine=1")
    problems["/clinic/alerts (filtered)"] = _any_violation(axe.run(desk))
    desk.goto(f"/clinic/patients/{server.world.patient_a_id}")
    problems["/clinic/patients/id (thread)"] = _any_violation(axe.run(desk))
    with server.session_factory() as session:
        checkin_id = session.scalars(
            select(Checkin.id).where(Checkin.patient_id == server.world.patient_a_id)
        ).first()
    if checkin_id is not None:
        desk.goto(f"/clinic/patients/{server.world.patient_a_id}/checkins/{checkin_id}")
        problems["check-in page"] = _any_violation(axe.run(desk))
    desk.context.close()
    assert {path: found for path, found in problems.items() if found} == {}
