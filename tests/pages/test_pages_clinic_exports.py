"""The patient page's downloads work with the page session, are audited, and stay with the
patient's own clinic."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import AuditEntry

from .conftest import login
from .seed import World


def _actions(app: FastAPI, patient_id: int) -> list[str]:
    with app.state.session_factory() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.patient_id == patient_id)
                .order_by(AuditEntry.id)
            )
        )


def test_patient_page_links_every_download_and_the_sheet(client: TestClient, world: World) -> None:
    login(client, world.clinician_a)
    html = client.get(f"/clinic/patients/{world.patient_a_id}").text
    base = f"/clinic/patients/{world.patient_a_id}"
    for fmt in ("pdf", "csv", "json", "fhir"):
        assert f'href="{base}/download/{fmt}" download' in html
    assert f'href="{base}/sheet"' in html


def test_downloads_answer_the_logged_in_clinician_and_are_audited(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.clinician_a)
    base = f"/clinic/patients/{world.patient_a_id}/download"

    response = client.get(f"{base}/json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    document = json.loads(response.content)
    assert "Paula Patient" in json.dumps(document)

    response = client.get(f"{base}/csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    response = client.get(f"{base}/csv?table=treatments")
    assert response.status_code == 200 and "-treatments-" in response.headers["content-disposition"]

    fhir = client.get(f"{base}/fhir")
    assert fhir.status_code == 200 and json.loads(fhir.content)["resourceType"] == "Bundle"

    pdf = client.get(f"{base}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    actions = _actions(app, world.patient_a_id)
    for fmt in ("json", "csv", "fhir", "pdf"):
        assert f"export.patient.{fmt}" in actions


def test_downloads_refuse_others_and_unknown_formats(
    app: FastAPI, client: TestClient, world: World
) -> None:
    base = f"/clinic/patients/{world.patient_a_id}/download"
    before = _actions(app, world.patient_a_id)

    anonymous = client.get(f"{base}/json")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")

    login(client, world.clinician_b)  # another clinic: the patient does not exist for them
    assert client.get(f"{base}/json").status_code == 404

    login(client, world.patient_a)  # the patient has their own download on /account
    assert client.get(f"{base}/json").status_code == 403

    login(client, world.clinician_a)
    assert client.get(f"{base}/xml").status_code == 404
    assert client.get(f"{base}/csv?table=passwords").status_code == 404
    assert client.get("/clinic/patients/999999/download/json").status_code == 404
    assert _actions(app, world.patient_a_id) == before  # nothing refused was recorded
