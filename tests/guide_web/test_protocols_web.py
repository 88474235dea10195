"""Clinic protocols on the web: only tighten, never touch red flags, versioned, audited,
admins only, tenant-scoped; patients' sheets, timelines and check-ins follow them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import window
from needlecare.storage.models import AuditEntry, Checkin, ClinicProtocol, Treatment

from .conftest import HTML, login, post_form

VITAMIN_C_DEFAULT = window("vitamin_c").resume_day(Band.D)  # pat: 1.0 mm pen -> band D


def _rows(app: FastAPI) -> list[ClinicProtocol]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(ClinicProtocol).order_by(ClinicProtocol.id)))


def _audit(app: FastAPI, action: str) -> list[AuditEntry]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _vitamin_c(days: int) -> dict[str, str]:
    return {f"resume.vitamin_c.{band.value}": str(days) for band in Band}


def _sheet(client: TestClient, world: Any) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/patients/{world.patients['pat']}/aftercare-sheet", headers=world.pat.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _line(sheet: dict[str, Any], group: str, name: str) -> dict[str, Any]:
    found = next(g for g in sheet["groups"] if g["key"] == group)
    return next(line for line in found["lines"] if line["window"] == name)


def test_loosening_a_window_is_refused_inline_and_nothing_is_saved(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    login(client, world.alice.user_id)
    response = post_form(
        client, "/clinic/protocol", "/clinic/protocol", {"name": "Alder", **_vitamin_c(5)}
    )
    assert response.status_code == 422
    text = response.text
    assert 'id="window-vitamin_c" class="has-error"' in text
    assert f"the default resume day is day {VITAMIN_C_DEFAULT}" in text
    assert "proposes day 5" in text and "never loosen" in text
    assert 'value="5"' in text  # what the admin typed is kept for correction
    assert _rows(app) == [] and _audit(app, "protocol.update") == []


def test_a_protocol_touching_red_flags_is_refused_on_the_page_and_the_api(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    login(client, world.alice.user_id)
    pasted = (
        'schema_version = 1\nname = "Relaxed"\nversion = 1\n'
        '[triage.rules.fever]\nlevel = "monitor"\n'
    )
    response = post_form(client, "/clinic/protocol", "/clinic/protocol", {"document": pasted})
    assert response.status_code == 422
    assert "cannot relax a red flag" in response.text

    document = {
        "schema_version": 1,
        "name": "Relaxed",
        "version": 1,
        "windows": {"retinoid": {"resume_day": 8, "red_flags": {"fever": "ignore"}}},
    }
    response = client.put("/api/v1/clinic/protocol", json=document, headers=world.alice.headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert any(
        e["field"] == "windows.retinoid.red_flags" and "red flag" in e["message"]
        for e in body["errors"]
    )
    assert _rows(app) == [] and _audit(app, "protocol.update") == []


def _resume_day(client: TestClient, world: Any) -> int:
    response = client.post(
        f"/api/v1/patients/{world.patients['pat']}/ingredient-check",
        json={"text": "Aqua, Glycerin, Ascorbic Acid", "day": 1},
        headers=world.pat.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["verdict"]["status"] == "avoid"
    return int(response.json()["verdict"]["resume_day"])


def test_a_tightening_protocol_moves_the_patients_dates(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    before = _line(_sheet(client, world), "products", "vitamin_c")
    assert _resume_day(client, world) == VITAMIN_C_DEFAULT
    login(client, world.alice.user_id)
    response = post_form(
        client,
        "/clinic/protocol",
        "/clinic/protocol",
        {
            "name": "Alder aftercare",
            **_vitamin_c(VITAMIN_C_DEFAULT + 5),
            "reason.vitamin_c": "our serum is strong",
            "instruction_text": ["Use the balm from your kit twice a day.", ""],
            "instruction_source": ["", ""],
        },
    )
    assert response.status_code == 303, response.text
    after_sheet = _sheet(client, world)
    after = _line(after_sheet, "products", "vitamin_c")
    assert before["day"] == VITAMIN_C_DEFAULT and after["day"] == VITAMIN_C_DEFAULT + 5
    treated = _treatment_date(app, world)
    assert after["date"] == (treated + timedelta(days=VITAMIN_C_DEFAULT + 5)).isoformat()
    assert after["source_note"] == "set by Alder aftercare (version 1)"
    assert after_sheet["protocol_version"] == "1"
    clinic = next(g for g in after_sheet["groups"] if g["key"] == "clinic")
    assert [line["text"] for line in clinic["lines"]] == ["Use the balm from your kit twice a day."]

    assert _resume_day(client, world) == VITAMIN_C_DEFAULT + 5  # the product checker

    # the timeline: vitamin C is still to avoid on the default day, no longer afterwards
    timeline = client.get(
        f"/api/v1/patients/{world.patients['pat']}/treatments/{world.treatments['pat']}/timeline",
        headers=world.pat.headers,
    ).json()
    day = next(d for d in timeline["days"] if d["day"] == VITAMIN_C_DEFAULT)
    assert any("vitamin C" in item for item in day["avoid"])

    # the patient's education pages show the clinic's day too
    login(client, world.pat.user_id)
    page = client.get("/guide/aftercare").text
    assert f"day {VITAMIN_C_DEFAULT + 5}" in page


def _treatment_date(app: FastAPI, world: Any) -> Any:
    with app.state.session_factory() as session:
        treatment = session.get(Treatment, world.treatments["pat"])
        assert treatment is not None
        return treatment.treatment_date


def test_versions_are_kept_audited_and_recorded_by_check_ins(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    url = f"/api/v1/patients/{world.patients['pat']}/checkins"
    calm = {"symptoms": {"redness": 1, "swelling": 0, "pain": 1}}
    first = client.post(url, json=calm, headers=world.pat.headers)
    assert first.status_code == 201, first.text

    for days in (10, 12):
        document = {
            "schema_version": 1,
            "name": "Alder aftercare",
            "version": 99,  # ignored: the server numbers versions
            "windows": {"vitamin_c": {"resume_day": days}},
        }
        response = client.put("/api/v1/clinic/protocol", json=document, headers=world.alice.headers)
        assert response.status_code == 201, response.text
    rows = _rows(app)
    assert [(r.version, r.document["windows"]["vitamin_c"]["resume_day"]) for r in rows] == [
        (1, 10),
        (2, 12),
    ]
    assert all(r.document["version"] == r.version for r in rows)
    audited = _audit(app, "protocol.update")
    assert sorted(int(a.object_id or 0) for a in audited) == [r.id for r in rows]
    assert {a.actor_user_id for a in audited} == {world.alice.user_id}

    listed = client.get("/api/v1/clinic/protocol/versions", headers=world.bob.headers).json()
    assert [v["version"] for v in listed] == [2, 1]
    login(client, world.bob.user_id)
    assert "Alder aftercare, version 1" in client.get("/clinic/protocol/versions/1").text

    second = client.post(url, json=calm, headers=world.pat.headers)
    assert second.status_code == 201, second.text
    with app.state.session_factory() as session:
        versions = [
            c.protocol_version for c in session.scalars(select(Checkin).order_by(Checkin.id))
        ]
    assert versions == [None, 2]


def test_a_clinician_cannot_change_the_protocol(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    login(client, world.bob.user_id)
    page = client.get("/clinic/protocol", headers=HTML)
    assert page.status_code == 200
    assert 'action="/clinic/protocol"' not in page.text
    response = post_form(client, "/clinic/protocol", "/clinic/protocol", _vitamin_c(10))
    assert response.status_code == 403
    document = {"schema_version": 1, "name": "Bob's", "version": 1}
    response = client.put("/api/v1/clinic/protocol", json=document, headers=world.bob.headers)
    assert response.status_code == 403
    response = client.put("/api/v1/clinic/protocol", json=document, headers=world.pat.headers)
    assert response.status_code == 403
    assert _rows(app) == []


def test_another_clinic_sees_404_and_its_protocol_stays_its_own(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    pat = world.patients["pat"]
    login(client, world.charlie.user_id)
    assert client.get(f"/clinic/patients/{pat}/sheet", headers=HTML).status_code == 404
    assert client.get(f"/clinic/patients/{pat}/sheet.pdf").status_code == 404
    response = client.get(f"/api/v1/patients/{pat}/aftercare-sheet", headers=world.charlie.headers)
    assert response.status_code == 404
    assert client.get("/clinic/protocol/versions/1", headers=HTML).status_code == 404

    document = {
        "schema_version": 1,
        "name": "Birch",
        "version": 1,
        "windows": {"vitamin_c": {"resume_day": 20}},
    }
    response = client.put("/api/v1/clinic/protocol", json=document, headers=world.charlie.headers)
    assert response.status_code == 201
    assert _line(_sheet(client, world), "products", "vitamin_c")["day"] == VITAMIN_C_DEFAULT
    assert client.get("/api/v1/clinic/protocol", headers=world.alice.headers).json() == {
        "protocol": None
    }
