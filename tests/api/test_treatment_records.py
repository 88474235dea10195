"""The clinic records and edits treatments: operator and notes, every edit kept as a revision
and audited, the timeline and triage follow the edited record, and the next session with the
reference's reasonable date (both databases)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.api_helpers import CALM, snapshot
from needlecare.storage.models import AuditEntry, Patient, TreatmentRevision
from needlecare.storage.uow import UnitOfWork

API = "/api/v1/patients"


def _record(when: date, **extra: Any) -> dict[str, Any]:
    return {
        "treatment_date": when.isoformat(),
        "depth_mm": 1.0,
        "device": "pen",
        "areas": ["face"],
        **extra,
    }


def _actions(uow: UnitOfWork, object_id: int) -> list[str]:
    with uow:
        return list(
            uow.session.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.object_type == "treatment", AuditEntry.object_id == str(object_id)
                )
                .order_by(AuditEntry.id)
            )
        )


def test_staff_record_a_session_with_operator_and_notes_the_patient_sees_no_notes(
    client: TestClient, world: Any
) -> None:
    pat = world.patients["pat"]
    body = _record(date.today() - timedelta(days=1), operator="Dr Bob", notes="ALDER-SESSION-NOTE")
    created = client.post(f"{API}/{pat}/treatments", headers=world.bob.headers, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["operator"] == "Dr Bob"
    assert created.json()["notes"] == "ALDER-SESSION-NOTE"
    treatment_id = created.json()["id"]

    mine = client.get(f"{API}/{pat}/treatments", headers=world.pat.headers).json()
    seen = next(t for t in mine if t["id"] == treatment_id)
    assert seen["operator"] == "Dr Bob" and seen["notes"] is None
    assert "ALDER-SESSION-NOTE" not in str(mine)

    revisions = client.get(
        f"{API}/{pat}/treatments/{treatment_id}/revisions", headers=world.bob.headers
    ).json()
    assert [r["revision"] for r in revisions] == [1]
    assert revisions[0]["record"]["operator"] == "Dr Bob"
    assert revisions[0]["changed_by"] == world.bob.user_id

    # Patients record their own treatment, but not the clinic's operator or notes.
    refused = client.post(
        f"{API}/{pat}/treatments", headers=world.pat.headers, json={**body, "notes": "mine"}
    )
    assert refused.status_code == 403


def test_an_edit_is_a_revision_and_an_audit_entry_and_the_timeline_follows(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    pat, treatment_id = world.patients["pat"], world.treatments["pat"]  # recorded 5 days ago
    url = f"{API}/{pat}/treatments/{treatment_id}"
    before = client.get(f"{url}/timeline", headers=world.pat.headers).json()
    assert before["today"] == 5

    edited = _record(date.today() - timedelta(days=2), device="rf", operator="Alice")
    response = client.put(url, headers=world.alice.headers, json=edited)
    assert response.status_code == 200, response.text
    assert response.json()["device"] == "rf"

    revisions = client.get(f"{url}/revisions", headers=world.alice.headers).json()
    # Recorded before revisions were kept: its first version is written on the first edit.
    assert [r["revision"] for r in revisions] == [1, 2]
    assert revisions[0]["record"]["device"] == "pen" and revisions[0]["changed_fields"] == []
    assert set(revisions[1]["changed_fields"]) == {"treatment_date", "device", "operator"}
    assert revisions[1]["changed_by"] == world.alice.user_id
    assert "treatment.update" in _actions(uow, treatment_id)

    after = client.get(f"{url}/timeline", headers=world.pat.headers).json()
    assert after["today"] == 2  # the patient's day follows the corrected date
    with uow:
        patient = uow.session.get(Patient, pat)
        assert patient is not None  # the roster's "last treatment" follows it too
        assert patient.last_treatment_date == date.today() - timedelta(days=2)
    checkin = client.post(
        f"{API}/{pat}/checkins", headers=world.pat.headers, json={"symptoms": CALM}
    ).json()
    assert checkin["day"] == 2 and checkin["treatment_id"] == treatment_id


def test_saving_the_same_values_writes_no_revision(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    pat, treatment_id = world.patients["pat"], world.treatments["pat"]
    url = f"{API}/{pat}/treatments/{treatment_id}"
    same = _record(date.today() - timedelta(days=5))
    assert client.put(url, headers=world.bob.headers, json=same).status_code == 200
    assert client.get(f"{url}/revisions", headers=world.bob.headers).json() == []
    assert "treatment.update" not in _actions(uow, treatment_id)


def test_edits_are_for_the_patients_clinic_staff_and_bad_input_changes_nothing(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    pat, treatment_id = world.patients["pat"], world.treatments["pat"]
    url = f"{API}/{pat}/treatments/{treatment_id}"
    good = _record(date.today() - timedelta(days=3))
    rows = snapshot(uow)
    assert client.put(url, headers=world.pat.headers, json=good).status_code == 403
    assert client.put(url, headers=world.charlie.headers, json=good).status_code == 404
    assert client.get(f"{url}/revisions", headers=world.pat.headers).status_code == 403
    future = _record(date.today() + timedelta(days=3))
    response = client.put(url, headers=world.bob.headers, json=future)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "treatment_date"
    early = {**good, "next_session_date": (date.today() - timedelta(days=4)).isoformat()}
    response = client.put(url, headers=world.bob.headers, json=early)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "next_session_date"
    other = client.put(
        f"{API}/{pat}/treatments/{world.treatments['quinn']}", headers=world.bob.headers, json=good
    )
    assert other.status_code == 404  # quinn's treatment is not pat's
    assert snapshot(uow) == rows


def test_next_session_reasonable_date_comes_from_the_reference(
    client: TestClient, world: Any
) -> None:
    pat, treatment_id = world.patients["pat"], world.treatments["pat"]
    url = f"{API}/{pat}/treatments/{treatment_id}"
    treated = date.today() - timedelta(days=5)
    view = client.get(f"{url}/next-session", headers=world.pat.headers).json()
    # 1.0 mm pen: band D, no repeat session within 4 weeks (TL-14).
    assert view["planned"] is None
    assert view["reasonable_from"] == (treated + timedelta(days=28)).isoformat()
    assert view["cite"] == ["reference.md#TL-14", "reference.md#AC-18"]

    too_soon = treated + timedelta(days=14)
    body = {**_record(treated), "next_session_date": too_soon.isoformat()}
    assert client.put(url, headers=world.bob.headers, json=body).status_code == 200
    view = client.get(f"{url}/next-session", headers=world.pat.headers).json()
    assert view["planned"] == too_soon.isoformat() and view["too_early"] is True

    rf = {**_record(treated, device="rf"), "next_session_date": None}
    assert client.put(url, headers=world.bob.headers, json=rf).status_code == 200
    view = client.get(f"{url}/next-session", headers=world.bob.headers).json()
    assert view["reasonable_from"] == (treated + timedelta(days=42)).isoformat()
    assert view["planned"] is None and view["too_early"] is False


def test_deleting_my_data_deletes_the_revisions_of_my_treatments(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    pat, treatment_id = world.patients["pat"], world.treatments["pat"]
    body = _record(date.today() - timedelta(days=4), notes="ALDER-SESSION-NOTE")
    client.put(f"{API}/{pat}/treatments/{treatment_id}", headers=world.bob.headers, json=body)
    with uow:
        assert uow.session.scalars(select(TreatmentRevision)).all() != []
    deleted = client.post(
        "/api/v1/me/delete", headers=world.pat.headers, json={"confirm": "DELETE MY DATA"}
    )
    assert deleted.status_code == 200
    with uow:
        assert uow.session.scalars(select(TreatmentRevision)).all() == []


def test_exports_carry_the_operator_and_the_planned_next_session(
    client: TestClient, world: Any
) -> None:
    pat, treatment_id = world.patients["pat"], world.treatments["pat"]
    treated = date.today() - timedelta(days=5)
    planned = treated + timedelta(days=30)
    body = {**_record(treated, operator="Dr Bob"), "next_session_date": planned.isoformat()}
    client.put(f"{API}/{pat}/treatments/{treatment_id}", headers=world.bob.headers, json=body)
    document = client.get(f"{API}/{pat}/export.json", headers=world.bob.headers).json()
    (treatment,) = document["patients"][0]["treatments"]
    assert treatment["operator"] == "Dr Bob"
    assert treatment["next_session_date"] == planned.isoformat()
    table = client.get(
        f"{API}/{pat}/export.csv", params={"table": "treatments"}, headers=world.bob.headers
    ).text
    assert "operator,next_session_date" in table.splitlines()[0]
    assert f"Dr Bob,{planned.isoformat()}" in table
    bundle = client.get(f"{API}/{pat}/fhir", headers=world.bob.headers).json()
    (procedure,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"
    ]
    assert procedure["performer"] == [{"actor": {"display": "Dr Bob"}}]
