"""The clinic's outcomes page in Chromium, with figures to show: no axe violation of any impact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from needlecare.services.auth import principal_for
from needlecare.storage.models import User
from needlecare.storage.uow import UnitOfWork
from outcomes.seed import seed_clinic

from .conftest import Server
from .test_browser_flows import _any_violation, log_in

pytestmark = pytest.mark.browser


def test_outcomes_page_is_axe_clean(desk: Any, server: Server, shots: Path) -> None:
    world = server.world
    with server.session_factory() as session:
        clinician = session.scalars(select(User).where(User.email == world.clinician_a)).one()
        admin_id = session.scalars(select(User.id).where(User.email == world.admin_a)).one()
        actor = principal_for(session, clinician)
    seed_clinic(UnitOfWork(server.session_factory), world.clinic_a, actor, admin_id)
    log_in(desk, world.admin_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    desk.goto("/clinic/outcomes")
    assert desk.get_by_role("heading", name="Outcomes", exact=True).is_visible()
    assert desk.locator("svg.share-bars").count() == 5
    desk.screenshot(path=shots / "desk-outcomes.png", full_page=True)
    assert _any_violation(Axe().run(desk)) == []
