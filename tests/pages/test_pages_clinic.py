"""Clinic pages: alert flow, roster, patient page, invitations, audit, tenant rules."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.enums import AlertState
from needlecare.storage.models import Alert, ClinicalNote

from .conftest import csrf_from, login, post_form
from .seed import World


def _urgent_checkin(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    response = post_form(
        client,
        "/checkin",
        "/checkin",
        {"fever": "true", "spreading_redness": "true", "idempotency_key": "urgent-1"},
    )
    assert response.status_code == 303
    post_form(client, "/today", "/logout", {})


def _alert(app: FastAPI) -> Alert:
    with app.state.session_factory() as session:
        return session.scalars(select(Alert)).one()


def test_alert_appears_is_acknowledged_then_resolved_with_a_note(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _urgent_checkin(client, world)
    login(client, world.clinician_a)
    html = client.get("/clinic/alerts").text
    assert "Paula Patient" in html and "not yet seen" in html
    alert_id = _alert(app).id

    response = post_form(client, "/clinic/alerts", f"/clinic/alerts/{alert_id}/acknowledge", {})
    assert response.status_code == 303
    assert _alert(app).state is AlertState.ACKNOWLEDGED
    assert "not yet seen" not in client.get("/clinic/alerts").text

    response = post_form(
        client, "/clinic/alerts", f"/clinic/alerts/{alert_id}/resolve", {"note": "  "}
    )
    assert response.status_code == 422
    assert 'id="note-error"' in response.text  # the check-in page, the reason by the field
    assert _alert(app).state is AlertState.ACKNOWLEDGED

    response = post_form(
        client,
        "/clinic/alerts",
        f"/clinic/alerts/{alert_id}/resolve",
        {"note": "Called her; seen in clinic today."},
    )
    assert response.status_code == 303
    alert = _alert(app)
    assert alert.state is AlertState.RESOLVED
    assert alert.resolution_note == "Called her; seen in clinic today."
    assert "No alerts to handle" in client.get("/clinic/alerts").text


def test_alert_queue_puts_urgent_before_contact_clinic(
    app: FastAPI, client: TestClient, world: World
) -> None:
    login(client, world.patient_a)
    post_form(client, "/checkin", "/checkin", {"fever": "true", "idempotency_key": "older"})
    post_form(
        client,
        "/checkin",
        "/checkin",
        {"breathing_difficulty": "true", "facial_swelling": "true", "idempotency_key": "newer"},
    )
    post_form(client, "/today", "/logout", {})
    login(client, world.admin_a)
    html = client.get("/clinic/alerts").text
    levels = re.findall(r'class="level level-(\w+)"', html)
    assert levels[0] == "urgent"
    assert levels == sorted(levels, key=lambda level: 0 if level == "urgent" else 1)


def test_other_clinic_gets_404_for_patient_alert_and_forms(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _urgent_checkin(client, world)
    alert_id = _alert(app).id
    login(client, world.clinician_b)
    pid = world.patient_a_id

    assert client.get(f"/clinic/patients/{pid}").status_code == 404
    assert client.get(f"/clinic/patients/{pid}/checkins/1").status_code == 404
    token = csrf_from(client.get("/clinic/alerts").text)
    for path, data in [
        (f"/clinic/patients/{pid}/notes", {"body": "snooping"}),
        (f"/clinic/patients/{pid}/recommendations", {"product_name": "X"}),
        (f"/clinic/patients/{pid}/invite", {}),
        (f"/clinic/alerts/{alert_id}/acknowledge", {}),
        (f"/clinic/alerts/{alert_id}/resolve", {"note": "done"}),
    ]:
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 404, path
        assert "Page not found" in response.text

    assert "Paula" not in client.get("/clinic/alerts").text
    assert "Paula" not in client.get("/clinic/patients").text
    assert _alert(app).state is AlertState.OPEN
    with app.state.session_factory() as session:
        assert session.scalars(select(ClinicalNote)).first() is None


def test_patients_cannot_open_clinic_pages(client: TestClient, world: World) -> None:
    login(client, world.patient_a)
    for path in (
        "/clinic/alerts",
        "/clinic/patients",
        f"/clinic/patients/{world.patient_a_id}",
        "/clinic/audit",
        "/clinic/invite",
    ):
        assert client.get(path).status_code == 403, path


def test_roster_search_and_last_check_in(client: TestClient, world: World) -> None:
    _urgent_checkin(client, world)
    login(client, world.admin_a)
    html = client.get("/clinic/patients?q=paula").text
    assert "Paula Patient" in html and "level-urgent" in html
    html = client.get("/clinic/patients?q=nobody%25").text
    assert "No patient matches" in html


def test_patient_page_shows_record_and_accepts_notes_and_recommendations(
    client: TestClient, world: World
) -> None:
    _urgent_checkin(client, world)
    login(client, world.clinician_a)
    page = f"/clinic/patients/{world.patient_a_id}"
    html = client.get(page).text
    assert "Paula Patient" in html and "Day 3" in html
    assert html.count('<svg class="chart"') == 4

    response = post_form(client, page, f"{page}/notes", {"body": ""})
    assert response.status_code == 422 and 'id="body-error"' in response.text

    assert (
        post_form(client, page, f"{page}/notes", {"body": "Advised cold compress."}).status_code
        == 303
    )
    response = post_form(
        client,
        page,
        f"{page}/recommendations",
        {"product_name": "", "inci_text": "Aqua, Glycerin", "note": "twice a day"},
    )
    assert response.status_code == 422
    assert 'id="product_name-error"' in response.text and "Aqua, Glycerin" in response.text
    assert (
        post_form(
            client,
            page,
            f"{page}/recommendations",
            {"product_name": "Barrier balm", "inci_text": "Aqua, Glycerin"},
        ).status_code
        == 303
    )
    html = client.get(page).text
    assert "Advised cold compress." in html and "Barrier balm" in html

    login(client, world.patient_a)
    html = client.get("/products").text
    assert "Recommended by your clinic" in html and "Barrier balm" in html
    assert "Advised cold compress." not in client.get("/today").text  # notes stay with staff


def test_invite_patient_shows_a_link_that_lets_them_set_a_password(
    client: TestClient, world: World
) -> None:
    login(client, world.clinician_a)
    response = post_form(client, "/clinic/invite", "/clinic/invite", {"display_name": ""})
    assert response.status_code == 422 and 'id="display_name-error"' in response.text

    response = post_form(
        client,
        "/clinic/invite",
        "/clinic/invite",
        {"display_name": "Nora New", "email": "nora@example.test"},
    )
    assert response.status_code == 200
    link = re.search(r'id="share-link">([^<]+)<', response.text).group(1)
    path = link.split("testserver", 1)[1]
    post_form(client, "/clinic/alerts", "/logout", {})

    html = client.get(path).text
    assert "Clinic Alder" in html and 'value="nora@example.test"' in html
    response = post_form(client, path, path, {"email": "nora@example.test", "password": "tiny"})
    assert response.status_code == 422 and 'id="password-error"' in response.text
    response = post_form(
        client, path, path, {"email": "nora@example.test", "password": "a fine long password"}
    )
    assert response.status_code == 303
    client.cookies.clear()
    html = client.get(path).text
    assert "expired or was already used" in html


def test_staff_invitations_and_audit_log_are_for_admins(client: TestClient, world: World) -> None:
    login(client, world.clinician_a)
    # A clinician reads the staff list, without the controls that change it.
    page = client.get("/clinic/staff")
    assert page.status_code == 200
    assert "Ada Admin" in page.text and "Cleo Clinician" in page.text
    assert "Ben Birch" not in page.text  # another clinic's clinician
    assert 'href="/clinic/staff"' in page.text  # the tab is in the clinician's navigation
    for control in ("/role", "/active", "Invite staff", "Deactivate", 'name="email"'):
        assert control not in page.text, control
    refused = post_form(client, "/clinic/staff", "/clinic/staff", {"email": "x@alder.test"})
    assert refused.status_code == 403
    assert client.get("/clinic/audit").status_code == 403
    post_form(client, "/clinic/alerts", "/logout", {})

    login(client, world.admin_a)
    response = post_form(
        client, "/clinic/staff", "/clinic/staff", {"email": "bad", "role": "clinician"}
    )
    assert response.status_code == 422 and 'id="email-error"' in response.text
    response = post_form(
        client,
        "/clinic/staff",
        "/clinic/staff",
        {"email": "dr.new@alder.test", "role": "clinician"},
    )
    assert response.status_code == 200 and "/invite/inv_" in response.text
    again = post_form(
        client, "/clinic/staff", "/clinic/staff", {"email": world.clinician_a, "role": "admin"}
    )
    assert again.status_code == 422  # type: ignore[attr-defined]
    error = again.text.split('id="email-error"')[1].split("</p>")[0]  # type: ignore[attr-defined]
    assert "This person already has an account at your clinic." in error
    client.get(f"/clinic/patients/{world.patient_a_id}")
    html = client.get("/clinic/audit").text
    assert "patient.read" in html and "invitation.staff.create" in html


def test_malformed_ids_in_clinic_urls_get_error_pages_not_crashes(
    client: TestClient, world: World
) -> None:
    login(client, world.admin_a)
    assert client.get("/clinic/patients/abc").status_code == 404
    token = csrf_from(client.get("/clinic/alerts").text)
    response = client.post("/clinic/alerts/abc/acknowledge", data={"csrf_token": token})
    assert response.status_code == 422
    assert "<html" in response.text
    response = client.post("/clinic/alerts/424242/acknowledge", data={"csrf_token": token})
    assert response.status_code == 404


def test_a_note_keeps_the_line_breaks_it_was_typed_with(client: TestClient, world: World) -> None:
    login(client, world.clinician_a)
    page = f"/clinic/patients/{world.patient_a_id}"
    body = "Called Paula: fever 38.4.\nAdvised urgent care.\nCall back tomorrow."
    assert post_form(client, page, f"{page}/notes", {"body": body}).status_code == 303
    html = client.get(page).text
    assert f'<p class="body note-body">{body}</p>' in html
    css = client.get(re.search(r'href="(/static/app\.css[^"]*)"', html)[1]).text
    assert re.search(r"\.note-body \{ white-space: pre-wrap; \}", css)
