"""Deactivating a colleague gives their alerts back to the queue (outside tester, round 3):
left assigned, an urgent alert waited for someone who could no longer log in, while the queue
showed its row as assigned to "Nobody" (their name is no longer offered)."""

from __future__ import annotations

import re
from typing import Any

from api_helpers import ALLERGY, FEVER, session_cookie, submit
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import SECRET
from needlecare.storage.models import Alert, AuditEntry
from needlecare.storage.uow import UnitOfWork
from needlecare.web import security

STAFF = "/api/v1/clinic/staff"


def _assignees(uow: UnitOfWork) -> dict[int, int | None]:
    with uow.reading():
        return dict(uow.session.execute(select(Alert.id, Alert.assigned_to)).tuples().all())


def test_a_deactivated_colleagues_alerts_are_unassigned(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    first = submit(uow, world, "pat", "pat", FEVER, hours_ago=3)
    second = submit(uow, world, "pat", "pat", ALLERGY, hours_ago=1)
    quinn = submit(uow, world, "bob", "quinn", FEVER)
    for alert, assignee in ((first, world.bob), (quinn, world.alice)):
        assigned = client.post(
            f"/api/v1/alerts/{alert.alert_id}/assign",
            json={"assignee_id": assignee.user_id},
            headers=world.alice.headers,
        )
        assert assigned.status_code == 200
    mine = client.get("/api/v1/alerts/queue?mine=true", headers=world.bob.headers).json()
    assert [r["patient_id"] for r in mine["rows"]] == [world.patients["pat"]]

    done = client.patch(
        f"{STAFF}/{world.bob.user_id}", json={"is_active": False}, headers=world.alice.headers
    )
    assert done.status_code == 200
    assignees = _assignees(uow)
    assert assignees[first.alert_id] is None and assignees[second.alert_id] is None
    assert assignees[quinn.alert_id] == world.alice.user_id  # someone else's stay theirs
    rows = client.get("/api/v1/alerts/queue", headers=world.alice.headers).json()["rows"]
    by_patient = {r["patient_id"]: r for r in rows}
    assert by_patient[world.patients["pat"]]["assignee_name"] is None  # the queue row too
    assert by_patient[world.patients["quinn"]]["assignee_name"] == "Alice"
    with uow.reading():
        audited = uow.session.execute(
            select(AuditEntry.action, AuditEntry.patient_id).where(
                AuditEntry.action == "alert.assign",
                AuditEntry.actor_user_id == world.alice.user_id,
            )
        ).all()
    assert audited.count(("alert.assign", world.patients["pat"])) == 2  # assigned, released


def test_the_admin_is_told_on_the_staff_page(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    alert = submit(uow, world, "pat", "pat", FEVER)
    client.post(
        f"/api/v1/alerts/{alert.alert_id}/assign",
        json={"assignee_id": world.bob.user_id},
        headers=world.alice.headers,
    )
    session = {security._USER_KEY: world.alice.user_id, security._GENERATION_KEY: 0}
    client.cookies.update(session_cookie(SECRET, {**session, security._CSRF_KEY: "t" * 43}))
    staff_page = client.get("/clinic/staff")
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff_page.text)
    assert staff_page.status_code == 200 and token
    done = client.post(
        f"/clinic/staff/{world.bob.user_id}/active",
        data={"active": "false", "csrf_token": token.group(1)},
    )
    assert done.status_code == 200 and "Bob is deactivated" in done.text
    assert "The alerts of 1 patient were assigned to Bob: they are unassigned now" in done.text
