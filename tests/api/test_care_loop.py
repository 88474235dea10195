"""The care loop through the API: the per-patient queue and its counts, assignment,
messages both ways (emailed, audited, tenant-scoped), a resolution sent as a message, and
the clinic's settings."""

from __future__ import annotations

from typing import Any

from api_helpers import ALLERGY, FEVER, submit
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import AuditEntry, Message, OutboxMessage
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork

FEVER_WITH_PUS = {
    "redness": 3,
    "fever": True,
    "pus_or_yellow_crust": True,
    "spreading_redness": True,
}


def test_queue_has_one_row_per_patient_and_the_fresh_red_flag_first(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    # Quinn: four older alerts (one patient used to fill four cards).
    quinn = [submit(uow, world, "bob", "quinn", ALLERGY, hours_ago=h) for h in (30, 20, 10, 5)]
    fresh = submit(uow, world, "pat", "pat", FEVER_WITH_PUS, hours_ago=0.1)
    assert fresh.checkin.level.value == "urgent"

    body = client.get("/api/v1/alerts/queue", headers=world.bob.headers).json()
    rows = body["rows"]
    assert [(r["patient_id"], r["kind"]) for r in rows] == [
        (world.patients["pat"], "alert"),
        (world.patients["quinn"], "alert"),
    ]
    assert rows[0]["alert_id"] == fresh.alert_id and rows[0]["level"] == "urgent"
    assert sorted(rows[1]["alert_ids"]) == sorted(o.alert_id for o in quinn)
    assert rows[1]["alert_id"] == quinn[-1].alert_id  # the newest at the highest level
    assert body["counts"] == {"waiting": 2, "active": 2, "unread_messages": 0}
    # The old per-alert list is still there, unchanged in shape.
    assert len(client.get("/api/v1/alerts", headers=world.bob.headers).json()) == 5


def test_acknowledged_rows_come_after_waiting_ones_and_counts_agree(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    urgent = submit(uow, world, "pat", "pat", ALLERGY, hours_ago=2)
    contact = submit(uow, world, "bob", "quinn", FEVER, hours_ago=1)
    assert contact.checkin.level.value == "contact_clinic"
    client.post(f"/api/v1/alerts/{urgent.alert_id}/acknowledge", headers=world.bob.headers)
    rows = client.get("/api/v1/alerts/queue", headers=world.bob.headers).json()["rows"]
    assert [r["state"] for r in rows] == ["open", "acknowledged"]
    counts = client.get("/api/v1/alerts/counts", headers=world.bob.headers).json()
    assert counts == {"waiting": 1, "active": 2, "unread_messages": 0}
    only_urgent = client.get("/api/v1/alerts/queue?level=urgent", headers=world.bob.headers)
    assert [r["patient_id"] for r in only_urgent.json()["rows"]] == [world.patients["pat"]]


def test_assigning_a_row_and_filtering_on_mine(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    first = submit(uow, world, "pat", "pat", FEVER, hours_ago=3)
    second = submit(uow, world, "pat", "pat", ALLERGY, hours_ago=1)
    submit(uow, world, "bob", "quinn", FEVER)
    url = f"/api/v1/alerts/{first.alert_id}/assign"
    response = client.post(
        url, json={"assignee_id": world.bob.user_id}, headers=world.alice.headers
    )
    assert response.status_code == 200
    assert sorted(response.json()) == sorted([first.alert_id, second.alert_id])
    mine = client.get("/api/v1/alerts/queue?mine=true", headers=world.bob.headers).json()
    assert [r["patient_id"] for r in mine["rows"]] == [world.patients["pat"]]
    assert mine["rows"][0]["assignee_name"] == "Bob"
    other_clinic = client.post(
        url, json={"assignee_id": world.charlie.user_id}, headers=world.alice.headers
    )
    assert other_clinic.status_code == 422
    assert (
        client.post(url, json={"assignee_id": None}, headers=world.charlie.headers).status_code
        == 404
    )


def _messages(uow: UnitOfWork) -> list[Message]:
    with uow.reading():
        return list(uow.session.scalars(select(Message).order_by(Message.id)))


def _outbox(uow: UnitOfWork, kind: MessageKind) -> list[OutboxMessage]:
    with uow.reading():
        return list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def _audit(uow: UnitOfWork, action: str) -> list[AuditEntry]:
    with uow.reading():
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_reply_reaches_the_patient_who_answers_and_staff_see_it_unread(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    alert_id = submit(uow, world, "pat", "pat", ALLERGY).alert_id
    pat_url = f"/api/v1/patients/{world.patients['pat']}/messages"
    sent = client.post(
        pat_url,
        json={"body": "Please call us now on 020 7946 0000.", "alert_id": alert_id},
        headers=world.bob.headers,
    )
    assert sent.status_code == 201
    assert sent.json()["from_clinic"] is True and sent.json()["alert_id"] == alert_id
    (email,) = _outbox(uow, MessageKind.CLINIC_MESSAGE)
    assert email.recipient == world.pat.email and email.patient_id == world.patients["pat"]

    thread = client.get(pat_url, headers=world.pat.headers).json()
    assert [m["body"] for m in thread] == ["Please call us now on 020 7946 0000."]
    assert _messages(uow)[0].read_at is not None  # the patient opened it

    reply = client.post(pat_url, json={"body": "Calling now."}, headers=world.pat.headers)
    assert reply.status_code == 201
    assert reply.json()["alert_id"] == alert_id  # linked to the open alert
    counts = client.get("/api/v1/alerts/counts", headers=world.alice.headers).json()
    assert counts["unread_messages"] == 1
    client.get(pat_url, headers=world.alice.headers)
    counts = client.get("/api/v1/alerts/counts", headers=world.alice.headers).json()
    assert counts["unread_messages"] == 0
    assert len(_audit(uow, "message.create")) == 2
    assert len(_audit(uow, "message.list")) == 2


def test_messages_are_scoped_to_the_clinic_and_the_patient(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    pat_url = f"/api/v1/patients/{world.patients['pat']}/messages"
    client.post(pat_url, json={"body": "Hello"}, headers=world.bob.headers)
    assert client.get(pat_url, headers=world.charlie.headers).status_code == 404
    assert (
        client.post(pat_url, json={"body": "x"}, headers=world.charlie.headers).status_code == 404
    )
    quinn_url = f"/api/v1/patients/{world.patients['quinn']}/messages"
    assert client.get(quinn_url, headers=world.pat.headers).status_code == 404
    assert client.post(quinn_url, json={"body": "x"}, headers=world.pat.headers).status_code == 403
    sol_url = f"/api/v1/patients/{world.patients['sol']}/messages"
    assert client.post(sol_url, json={"body": "x"}, headers=world.sol.headers).status_code == 409
    assert client.post(pat_url, json={"body": ""}, headers=world.bob.headers).status_code == 422
    assert len(_messages(uow)) == 1


def test_a_resolution_can_be_sent_to_the_patient_as_a_message(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    alert_id = submit(uow, world, "pat", "pat", FEVER).alert_id
    done = client.post(
        f"/api/v1/alerts/{alert_id}/resolve",
        json={"note": "Seen in clinic; antibiotics started.", "send_to_patient": True},
        headers=world.bob.headers,
    )
    assert done.status_code == 200 and done.json()["state"] == "resolved"
    (message,) = _messages(uow)
    assert message.body == "Seen in clinic; antibiotics started." and message.alert_id == alert_id
    quiet = submit(uow, world, "pat", "pat", ALLERGY).alert_id
    client.post(
        f"/api/v1/alerts/{quiet}/resolve", json={"note": "Internal only"}, headers=world.bob.headers
    )
    assert len(_messages(uow)) == 1


def test_clinic_settings_are_for_admins_and_checked(client: TestClient, world: Any) -> None:
    good = {
        "name": "Alder Clinic",
        "phone": "+44 20 7946 0000",
        "address": "1 High Street",
        "hours": "Mon-Fri 9-18",
        "country": "GB",
        "urgent_ack_minutes": 20,
    }
    assert (
        client.put("/api/v1/clinic/settings", json=good, headers=world.bob.headers).status_code
        == 403
    )
    saved = client.put("/api/v1/clinic/settings", json=good, headers=world.alice.headers)
    # A PUT without a time zone leaves it as it was (UTC: never set).
    assert saved.status_code == 200 and saved.json() == {**good, "timezone": "UTC"}
    shown = client.get("/api/v1/clinic/settings", headers=world.bob.headers).json()
    assert shown == {**good, "timezone": "UTC"}
    bad = client.put(
        "/api/v1/clinic/settings",
        json={**good, "country": "XX", "phone": "call me"},
        headers=world.alice.headers,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"country", "phone"}
    assert (
        client.get("/api/v1/clinic/settings", headers=world.charlie.headers).json()["name"]
        == "Birch Clinic"
    )


def test_the_new_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/alerts/queue",
        "/api/v1/alerts/counts",
        "/api/v1/alerts/{alert_id}/assign",
        "/api/v1/patients/{patient_id}/messages",
        "/api/v1/clinic/settings",
    ):
        assert path in paths, path


def test_missed_check_ins_are_their_own_lower_rows_until_the_patient_checks_in(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    from api_helpers import CALM

    from needlecare.storage.models import ReminderEvent
    from needlecare.storage.models.jobs import EventKind, EventOutcome

    with uow:
        for name in ("quinn", "pat"):
            uow.session.add(
                ReminderEvent(
                    treatment_id=world.treatments[name],
                    patient_id=world.patients[name],
                    clinic_id=world.alder_id,
                    due_day=2,
                    kind=EventKind.MISSED_CHECKIN,
                    due_at=datetime.now(UTC) - timedelta(hours=3),
                    outcome=EventOutcome.QUEUED,
                )
            )
        uow.commit()
    submit(uow, world, "bob", "quinn", FEVER)  # quinn: an alert row, not also a missed one
    rows = client.get("/api/v1/alerts/queue", headers=world.bob.headers).json()["rows"]
    assert [(r["patient_id"], r["kind"]) for r in rows] == [
        (world.patients["quinn"], "alert"),
        (world.patients["pat"], "missed"),
    ]
    submit(uow, world, "pat", "pat", CALM)  # checked in since: no longer missed
    rows = client.get("/api/v1/alerts/queue", headers=world.bob.headers).json()["rows"]
    assert [r["kind"] for r in rows] == ["alert"]
    # Charlie's clinic sees neither.
    assert client.get("/api/v1/alerts/queue", headers=world.charlie.headers).json()["rows"] == []
