"""Roster, treatments, timeline, notes, recommendations and the product checker."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from needlecare.ingredients import check_label
from needlecare.knowledge.bands import depth_band
from needlecare.timeline import build_timeline


def test_staff_see_their_roster_and_patients_only_themselves(
    client: TestClient, world: Any
) -> None:
    roster = client.get("/api/v1/patients", headers=world.bob.headers).json()
    assert sorted(p["display_name"] for p in roster) == ["Pat Patient", "Quinn Patient"]
    mine = client.get("/api/v1/patients", headers=world.pat.headers).json()
    assert [p["id"] for p in mine] == [world.patients["pat"]]
    assert (
        client.post(
            "/api/v1/patients", json={"display_name": "X"}, headers=world.pat.headers
        ).status_code
        == 403
    )


def test_patient_profile_is_validated_with_the_triage_vocabulary(
    client: TestClient, world: Any
) -> None:
    bad = client.post(
        "/api/v1/patients",
        headers=world.bob.headers,
        json={"display_name": "", "fitzpatrick": 9, "history": ["flu"]},
    )
    assert bad.status_code == 422
    assert {"display_name", "fitzpatrick", "history.0"} <= {
        e["field"] for e in bad.json()["errors"]
    }
    good = client.post(
        "/api/v1/patients",
        headers=world.bob.headers,
        json={"display_name": "Rae", "fitzpatrick": 5, "history": ["rosacea", "keloid"]},
    )
    assert good.status_code == 201
    assert good.json()["history"] == ["rosacea", "keloid"]


def test_treatment_and_its_timeline_come_from_the_domain(client: TestClient, world: Any) -> None:
    pat = world.patients["pat"]
    treated = (date.today() - timedelta(days=2)).isoformat()
    created = client.post(
        f"/api/v1/patients/{pat}/treatments",
        headers=world.pat.headers,
        json={
            "treatment_date": treated,
            "depth_mm": 1.5,
            "device": "rf",
            "areas": ["face", "neck"],
            "fitzpatrick": 4,
        },
    )
    assert created.status_code == 201, created.text
    tid = created.json()["id"]
    listed = client.get(f"/api/v1/patients/{pat}/treatments", headers=world.bob.headers).json()
    assert listed[0]["id"] == tid  # most recent first
    timeline = client.get(
        f"/api/v1/patients/{pat}/treatments/{tid}/timeline", headers=world.pat.headers
    )
    assert timeline.status_code == 200
    expected = build_timeline(
        {
            "date": treated,
            "depth_mm": 1.5,
            "device": "rf",
            "areas": ["face", "neck"],
            "fitzpatrick": 4,
        },
        date.today(),
    )
    assert timeline.json()["today"] == expected["today"] == 2
    assert [d["phase"] for d in timeline.json()["days"]] == [d["phase"] for d in expected["days"]]


def test_future_treatment_and_unknown_device_are_422(client: TestClient, world: Any) -> None:
    pat = world.patients["pat"]
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(
        f"/api/v1/patients/{pat}/treatments",
        headers=world.pat.headers,
        json={"treatment_date": future, "depth_mm": 1.0, "device": "pen"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "treatment_date"
    response = client.post(
        f"/api/v1/patients/{pat}/treatments",
        headers=world.pat.headers,
        json={"treatment_date": "2026-01-01", "depth_mm": 1.0, "device": "laser"},
    )
    assert response.json()["errors"][0]["field"] == "device"


def test_notes_are_for_staff_and_recommendations_reach_the_patient(
    client: TestClient, world: Any
) -> None:
    pat = world.patients["pat"]
    note = client.post(
        f"/api/v1/patients/{pat}/notes", json={"body": "Healing well."}, headers=world.bob.headers
    )
    assert note.status_code == 201
    assert note.json()["author_id"] == world.bob.user_id
    assert client.get(f"/api/v1/patients/{pat}/notes", headers=world.pat.headers).status_code == 403
    rec = client.post(
        f"/api/v1/patients/{pat}/recommendations",
        headers=world.bob.headers,
        json={"product_name": "Plain Balm", "inci_text": "Petrolatum", "note": "Twice a day"},
    )
    assert rec.status_code == 201
    seen = client.get(f"/api/v1/patients/{pat}/recommendations", headers=world.pat.headers)
    assert [r["product_name"] for r in seen.json()] == ["Plain Balm"]


def test_product_check_uses_the_patients_day(client: TestClient, world: Any) -> None:
    pat = world.patients["pat"]
    label = "Aqua, Glycerin, Retinol, Parfum"
    response = client.post(
        f"/api/v1/patients/{pat}/ingredient-check", json={"text": label}, headers=world.pat.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["verdict"]["day"] == 5
    # The world's treatment: pen at 1.0 mm, five days ago.
    assert response.json() == check_label(label, day=5, band=depth_band(1.0, "pen"))
    later = client.post(
        f"/api/v1/patients/{pat}/ingredient-check",
        json={"text": label, "day": 60},
        headers=world.pat.headers,
    )
    assert later.json()["verdict"]["day"] == 60
    nonsense = client.post(
        f"/api/v1/patients/{pat}/ingredient-check",
        json={"text": "https://example.org"},
        headers=world.pat.headers,
    )
    assert nonsense.status_code == 422
    assert nonsense.json()["errors"][0]["field"] == "text"
