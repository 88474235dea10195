"""The clinic records and edits a patient's sessions in the pages; the patient's Today and
History follow the session in force, with the next session and its cited date."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import AuditEntry, Treatment, TreatmentRevision

from .conftest import login, post_form
from .seed import World


def _post(client: TestClient, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    response = post_form(client, page, action, data)
    assert isinstance(response, httpx.Response)
    return response


def _session(when: date, **extra: object) -> dict[str, object]:
    return {
        "treatment_date": when.isoformat(),
        "depth_mm": "0.5",
        "device": "pen",
        "areas": ["face", "neck"],
        "serum": "",
        "operator": "Cleo",
        "notes": "",
        "next_session_date": "",
        **extra,
    }


def _treatments(app: FastAPI, patient_id: int) -> list[Treatment]:
    with app.state.session_factory() as session:
        query = select(Treatment).where(Treatment.patient_id == patient_id).order_by(Treatment.id)
        return list(session.scalars(query))


def test_a_second_session_recorded_by_the_clinic_is_in_force_for_the_patient(
    app: FastAPI, client: TestClient, world: World
) -> None:
    # The patient checks in after session 1 (3 days ago).
    login(client, world.patient_a)
    calm = {"redness": "1", "swelling": "0", "pain": "1", "idempotency_key": "s1"}
    assert _post(client, "/checkin", "/checkin", calm).status_code == 303

    login(client, world.clinician_a)
    base = f"/clinic/patients/{world.patient_a_id}"
    page = client.get(base).text
    assert "Session 1" in page and f'href="{base}/treatments/new"' in page
    today = date.today()
    response = _post(
        client,
        f"{base}/treatments/new",
        f"{base}/treatments/new",
        _session(today - timedelta(days=1)),
    )
    assert response.status_code == 303, response.text[-800:]
    page = client.get(base).text
    assert "Session 2" in page and "in force" in page and "by Cleo" in page

    login(client, world.patient_a)
    html = client.get("/today").text
    assert "Day 1 after treatment" in html
    assert "Your next session" in html and "/guide/sources#TL-14" in html
    assert (
        _post(client, "/checkin", "/checkin", {**calm, "idempotency_key": "s2"}).status_code == 303
    )
    history = client.get("/history").text.split('id="checkins-heading"')[1]
    # Grouped by session: the day-3 check-in stays under session 1.
    assert history.index("Session 2") < history.index("Day 1") < history.index("Session 1")
    assert history.index("Session 1") < history.index("Day 3")


def test_an_edit_is_kept_as_a_revision_and_audited_and_bad_input_is_explained(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.clinician_a)
    (treatment,) = _treatments(app, world.patient_a_id)
    url = f"/clinic/patients/{world.patient_a_id}/treatments/{treatment.id}"
    form = client.get(url).text
    assert 'value="1"' in form and "Reasonable from" in form

    future = _session(date.today() + timedelta(days=2))
    response = _post(client, url, url, future)
    assert response.status_code == 422
    assert 'id="treatment_date-error"' in response.text and "future" in response.text
    response = _post(client, url, url, {**_session(treatment.treatment_date), "areas": []})
    assert response.status_code == 422 and 'id="areas-error"' in response.text
    assert _treatments(app, world.patient_a_id)[0].depth_mm == 1.0  # nothing half-saved

    planned = treatment.treatment_date + timedelta(days=10)  # before day 28 for 1.0 mm
    edited = _session(
        treatment.treatment_date, depth_mm="1.0", next_session_date=planned.isoformat()
    )
    assert _post(client, url, url, edited).status_code == 303
    page = client.get(f"/clinic/patients/{world.patient_a_id}").text
    assert "Planned before" in page
    form = client.get(url).text
    assert "Version 2" in form and "Version 1" in form and "as first recorded" in form
    with app.state.session_factory() as session:
        revisions = session.scalars(
            select(TreatmentRevision).where(TreatmentRevision.treatment_id == treatment.id)
        ).all()
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(treatment.id))
        ).all()
    assert [r.revision for r in revisions] == [1, 2]
    assert set(revisions[1].changed_fields) == {"areas", "operator", "next_session_date"}
    assert "treatment.update" in actions

    login(client, world.patient_a)
    today = client.get("/today").text
    assert "earlier than usually advised" in today


def test_treatment_pages_are_for_the_patients_clinic(
    app: FastAPI, client: TestClient, world: World
) -> None:
    (treatment,) = _treatments(app, world.patient_a_id)
    url = f"/clinic/patients/{world.patient_a_id}/treatments/{treatment.id}"
    login(client, world.clinician_b)
    assert client.get(url).status_code == 404
    assert client.get(f"/clinic/patients/{world.patient_a_id}/treatments/new").status_code == 404
    login(client, world.patient_a)
    assert client.get(url).status_code == 403
    login(client, world.clinician_a)
    assert client.get(f"/clinic/patients/{world.patient_a_id}/treatments/999999").status_code == 404
