"""Check-ins over the API: triaged by the real engine, stored once per key, alerting."""

from __future__ import annotations

from datetime import date
from typing import Any

from api_helpers import ALLERGY, CALM, FEVER
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import Alert, Checkin
from needlecare.storage.uow import UnitOfWork
from needlecare.triage import triage_checkin


def _url(world: Any, patient: str = "pat") -> str:
    return f"/api/v1/patients/{world.patients[patient]}/checkins"


def _count(uow: UnitOfWork, model: type) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_checkin_is_triaged_by_the_engine_and_stored_with_its_input(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    response = client.post(_url(world), json={"symptoms": CALM}, headers=world.pat.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    with uow:
        stored = uow.session.get(Checkin, body["id"])
        assert stored is not None
        assert stored.day == 5  # the world's treatment was five days ago
        assert stored.triage_input["symptoms"] == CALM
        assert stored.triage_input["treatment"]["device"] == "pen"
        # The stored result is exactly what the engine says about the stored input.
        assert stored.triage_result == triage_checkin(stored.triage_input, date.today())
    assert body["level"] == stored.triage_result["level"]
    assert body["result"]["findings"] == stored.triage_result["findings"]
    listed = client.get(_url(world), headers=world.bob.headers).json()
    assert [c["id"] for c in listed] == [body["id"]]


def test_same_idempotency_key_stores_once_and_returns_the_first_result(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    headers = {**world.pat.headers, "Idempotency-Key": "tap-1"}
    first = client.post(_url(world), json={"symptoms": CALM}, headers=headers)
    # A retry with different answers under the same key still gets the first result.
    second = client.post(_url(world), json={"symptoms": ALLERGY}, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["level"] == first.json()["level"]
    assert second.json()["replayed"] is True
    assert _count(uow, Checkin) == 1
    assert _count(uow, Alert) == 0
    other_key = client.post(
        _url(world),
        json={"symptoms": CALM},
        headers={**world.pat.headers, "Idempotency-Key": "tap-2"},
    )
    assert other_key.status_code == 201
    assert _count(uow, Checkin) == 2


def test_red_flags_raise_one_alert_for_the_clinic(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    response = client.post(_url(world), json={"symptoms": ALLERGY}, headers=world.pat.headers)
    body = response.json()
    assert body["level"] == "urgent"
    assert body["alert_id"] is not None
    queue = client.get("/api/v1/alerts", headers=world.bob.headers).json()
    assert [(a["id"], a["checkin_id"], a["level"]) for a in queue] == [
        (body["alert_id"], body["id"], "urgent")
    ]
    assert client.get("/api/v1/alerts", headers=world.charlie.headers).json() == []


def test_personal_account_checkins_raise_no_clinic_alert(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    response = client.post(_url(world, "sol"), json={"symptoms": FEVER}, headers=world.sol.headers)
    assert response.status_code == 201
    assert response.json()["level"] in ("contact_clinic", "urgent")
    assert response.json()["alert_id"] is None
    assert _count(uow, Alert) == 0


def test_invalid_answers_get_422_naming_each_bad_field(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    bad = {
        "symptoms": {
            "redness": 7,
            "pain": -1,
            "sparkles": True,
            "breakouts": {"count": 2, "kind": "boils"},
        }
    }
    response = client.post(_url(world), json=bad, headers=world.pat.headers)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {
        "symptoms.redness",
        "symptoms.pain",
        "symptoms.sparkles",
        "symptoms.breakouts.kind",
    } <= fields
    assert _count(uow, Checkin) == 0


def test_a_checkin_before_any_treatment_is_422(client: TestClient, world: Any) -> None:
    created = client.post(
        "/api/v1/patients", json={"display_name": "New Person"}, headers=world.bob.headers
    ).json()
    response = client.post(
        f"/api/v1/patients/{created['id']}/checkins",
        json={"symptoms": CALM},
        headers=world.bob.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "treatment_id"


def test_a_patient_cannot_check_in_for_another_patient(client: TestClient, world: Any) -> None:
    response = client.post(_url(world, "quinn"), json={"symptoms": CALM}, headers=world.pat.headers)
    assert response.status_code == 404


def test_overlong_idempotency_key_is_422(client: TestClient, world: Any) -> None:
    headers = {**world.pat.headers, "Idempotency-Key": "k" * 101}
    response = client.post(_url(world), json={"symptoms": CALM}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("idempotency-key")
