"""The alert queue: order, acknowledge, resolve with a note."""

from __future__ import annotations

from typing import Any

from api_helpers import ALLERGY, FEVER, submit
from fastapi.testclient import TestClient

from needlecare.storage.uow import UnitOfWork


def test_queue_puts_unacknowledged_first_then_urgency_then_age(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    old_contact = submit(uow, world, "bob", "quinn", FEVER, hours_ago=30)
    new_urgent = submit(uow, world, "pat", "pat", ALLERGY, hours_ago=1)
    old_urgent = submit(uow, world, "bob", "quinn", ALLERGY, hours_ago=20)
    seen_urgent = submit(uow, world, "bob", "pat", ALLERGY, hours_ago=40)
    assert [o.checkin.level.value for o in (old_contact, new_urgent, old_urgent)] == [
        "contact_clinic",
        "urgent",
        "urgent",
    ]
    ack = client.post(
        f"/api/v1/alerts/{seen_urgent.alert_id}/acknowledge", headers=world.bob.headers
    )
    assert ack.status_code == 200
    assert ack.json()["state"] == "acknowledged"
    assert ack.json()["acknowledged_by"] == world.bob.user_id

    queue = client.get("/api/v1/alerts", headers=world.alice.headers).json()
    assert [a["id"] for a in queue] == [
        old_urgent.alert_id,
        new_urgent.alert_id,
        old_contact.alert_id,
        seen_urgent.alert_id,
    ]
    assert queue[0]["patient_name"] == "Quinn Patient"
    assert queue[0]["findings"]


def test_resolving_needs_a_note_and_closes_the_alert(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    alert_id = submit(uow, world, "pat", "pat", FEVER).alert_id
    url = f"/api/v1/alerts/{alert_id}/resolve"
    empty = client.post(url, json={"note": ""}, headers=world.bob.headers)
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "note"
    blank = client.post(url, json={"note": "   "}, headers=world.bob.headers)
    assert blank.status_code == 422
    done = client.post(
        url, json={"note": "Called, seen today, antibiotics."}, headers=world.bob.headers
    )
    assert done.status_code == 200
    assert done.json()["state"] == "resolved"
    assert done.json()["resolved_by"] == world.bob.user_id
    assert done.json()["resolution_note"] == "Called, seen today, antibiotics."
    assert client.get("/api/v1/alerts", headers=world.bob.headers).json() == []
    resolved = client.get("/api/v1/alerts?state=resolved", headers=world.bob.headers).json()
    assert [a["id"] for a in resolved] == [alert_id]
    again = client.post(url, json={"note": "again"}, headers=world.bob.headers)
    assert again.status_code == 409
    assert (
        client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=world.bob.headers).status_code
        == 409
    )


def test_patients_cannot_see_the_alert_queue(client: TestClient, world: Any) -> None:
    assert client.get("/api/v1/alerts", headers=world.pat.headers).status_code == 403
