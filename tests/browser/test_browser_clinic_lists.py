"""Issue 20's "more" links in Chromium, laptop and phone: the alert queue's next page and the
patient page's older notes, messages and sessions; axe with any impact on each page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from needlecare.services import alert_queue, messages, notes
from needlecare.services.auth import principal_for
from needlecare.storage.enums import Device
from needlecare.storage.models import Patient, Treatment, User
from needlecare.storage.models.jobs import EventKind, EventOutcome, ReminderEvent
from needlecare.storage.uow import UnitOfWork
from needlecare.web.pages import clinic as clinic_pages

from .conftest import PHONE, Server
from .test_browser_flows import _any_violation, log_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


def _seed(server: Server) -> None:
    factory = server.session_factory
    with factory() as session:
        for i in range(alert_queue.QUEUE_PAGE + 3):
            patient = Patient(clinic_id=server.world.clinic_a, display_name=f"Missed {i:03d}")
            session.add(patient)
            session.flush()
            treatment = Treatment(
                patient_id=patient.id, treatment_date=date.today() - timedelta(days=3),
                depth_mm=0.5, device=Device.PEN, areas=["face"],
            )  # fmt: skip
            session.add(treatment)
            session.flush()
            session.add(
                ReminderEvent(
                    treatment_id=treatment.id, patient_id=patient.id,
                    clinic_id=server.world.clinic_a, due_day=2, kind=EventKind.MISSED_CHECKIN,
                    outcome=EventOutcome.QUEUED,
                    due_at=datetime.now(UTC) - timedelta(minutes=10 + i),
                )
            )  # fmt: skip
        admin = principal_for(
            session, session.scalars(select(User).where(User.email == server.world.admin_a)).one()
        )
        session.commit()
    uow = UnitOfWork(factory)
    for n in range(4):
        notes.add_note(uow, admin, server.world.patient_a_id, f"Note number {n}")
        messages.send_to_patient(uow, admin, server.world.patient_a_id, f"Message number {n}")


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_more_links_page_through_the_queue_and_the_patient_page(
    browser: Any, server: Server, shots: Path, size: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if size == "laptop":
        _seed(server)
    # The server runs in this process: smaller pages show every link with a few rows.
    monkeypatch.setattr(clinic_pages, "PATIENT_NOTES", 2)
    monkeypatch.setattr(clinic_pages, "PATIENT_MESSAGES", 2)
    viewport = PHONE if size == "phone" else LAPTOP
    mobile = size == "phone"
    context = browser.new_context(
        viewport=viewport, is_mobile=mobile, has_touch=mobile, base_url=server.url
    )
    page = context.new_page()
    axe, problems = Axe(), {}
    log_in(page, server.world.admin_a, server.password)
    page.goto("/clinic/alerts")
    assert page.get_by_text("Missed 049", exact=True).is_visible()
    assert page.get_by_text("Missed 050", exact=True).count() == 0
    problems["alerts"] = _any_violation(axe.run(page))
    page.screenshot(path=shots / f"{size}-alerts-first.png", full_page=True)
    # The queue scrolls sideways in its own box: the page is never wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.get_by_role("link", name="More patients to see").click()
    page.wait_for_url("**/clinic/alerts?cursor=*")
    assert page.get_by_text("Missed 050", exact=True).is_visible()
    problems["alerts, more"] = _any_violation(axe.run(page))
    page.screenshot(path=shots / f"{size}-alerts-more.png", full_page=True)

    page.goto(f"/clinic/patients/{server.world.patient_a_id}")
    assert page.get_by_text("Note number 3").is_visible()
    assert page.get_by_text("Note number 1").count() == 0
    problems["patient"] = _any_violation(axe.run(page))
    page.get_by_role("link", name="Older notes").click()
    page.wait_for_url("**notes=*")
    assert page.get_by_text("Note number 1").is_visible()
    assert page.get_by_text("Note number 3").count() == 0
    assert page.get_by_text("Message number 3").is_visible()  # the other lists stay
    problems["patient, older notes"] = _any_violation(axe.run(page))
    page.get_by_role("link", name="Earlier messages").click()
    page.wait_for_url("**messages=*")
    assert page.get_by_text("Message number 0").is_visible()
    problems["patient, earlier messages"] = _any_violation(axe.run(page))
    page.screenshot(path=shots / f"{size}-patient-older-lists.png", full_page=True)
    context.close()
    assert not any(problems.values()), problems
