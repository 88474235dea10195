"""The patient's account page: their data as a download, reminder time and pause, and the
account deletion with its typed confirmation, all with the page session."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.services.my_data import MY_DATA_JSON
from needlecare.storage.models import (
    AuditEntry,
    Patient,
    PatientReminderSettings,
    ReminderPause,
    Treatment,
)

from .conftest import login, post_form
from .seed import World


def _post(client: TestClient, action: str, data: dict[str, object]) -> httpx.Response:
    response = post_form(client, "/account", action, data)
    assert isinstance(response, httpx.Response)
    return response


def _treatments(app: FastAPI, patient_id: int) -> list[Treatment]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(Treatment).where(Treatment.patient_id == patient_id)))


def _own_settings(app: FastAPI, patient_id: int) -> PatientReminderSettings | None:
    with app.state.session_factory() as session:
        row: PatientReminderSettings | None = session.get(PatientReminderSettings, patient_id)
        return row


def _pause(app: FastAPI, treatment_id: int) -> ReminderPause | None:
    with app.state.session_factory() as session:
        row: ReminderPause | None = session.get(ReminderPause, treatment_id)
        return row


def test_account_page_is_linked_from_the_header(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    html = client.get("/today").text
    assert 'href="/account"' in html
    page = client.get("/account")
    assert page.status_code == 200
    for heading in ("Check-in reminders", "Download my data", "Delete my account"):
        assert heading in page.text


def test_download_my_data_is_a_zip_with_my_record_and_is_audited(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = client.get("/account/download")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        document = json.loads(archive.read(MY_DATA_JSON))
    assert "Paula Patient" in json.dumps(document)
    with app.state.session_factory() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.patient_id == world.patient_a_id)
        ).all()
    assert "export.self" in actions


def test_reminder_time_and_pause_are_saved_and_shown(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = _post(client, "/account/reminders", {"local_time": "07:45", "paused": "true"})
    assert response.status_code == 303
    own = _own_settings(app, world.patient_a_id)
    assert own is not None and own.local_time == "07:45"
    (treatment,) = _treatments(app, world.patient_a_id)
    pause = _pause(app, treatment.id)
    assert pause is not None and pause.source == "account"
    html = client.get("/account").text
    assert "paused" in html and 'value="07:45"' in html
    assert "clinic&#39;s time (" in html and "clinic&#39;s time (07:45)" not in html

    # Empty time: back to the clinic's; "Send reminders" resumes them.
    _post(client, "/account/reminders", {"local_time": "", "paused": "false"})
    own = _own_settings(app, world.patient_a_id)
    assert own is not None and own.local_time is None
    assert _pause(app, treatment.id) is None


def test_a_bad_reminder_time_is_explained_next_to_the_field(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = _post(client, "/account/reminders", {"local_time": "25:99", "paused": "true"})
    assert response.status_code == 422
    assert 'id="local_time-error"' in response.text and "e.g. 09:30" in response.text
    assert _own_settings(app, world.patient_a_id) is None  # nothing half-saved
    (treatment,) = _treatments(app, world.patient_a_id)
    assert _pause(app, treatment.id) is None


def test_delete_needs_the_typed_confirmation_then_deletes_and_logs_out(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    response = _post(client, "/account/delete", {"confirm": "yes please"})
    assert response.status_code == 422
    assert 'id="confirm-error"' in response.text and "<details open>" in response.text
    assert _treatments(app, world.patient_a_id) != []

    response = _post(client, "/account/delete", {"confirm": "DELETE MY DATA"})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert _treatments(app, world.patient_a_id) == []
    with app.state.session_factory() as session:
        patient = session.get(Patient, world.patient_a_id)
        assert patient is not None and patient.display_name != "Paula Patient"
    again = client.get("/account")
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_staff_and_strangers_cannot_use_the_account_page(client: TestClient, world: World) -> None:
    assert client.get("/account").headers["location"].startswith("/login")
    login(client, world.clinician_a)
    assert client.get("/account").status_code == 403
    assert client.get("/account/download").status_code == 403
