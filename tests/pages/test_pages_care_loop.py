"""The care loop in the pages: the patient's banner and clinic contact after a red flag, the
clinic settings page, messages both ways, the alert table and the clinician's check-in page."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.enums import AlertState
from needlecare.storage.models import Alert, Checkin, Message

from .conftest import login, post_form
from .seed import World

SETTINGS = {
    "name": "Clinic Alder",
    "phone": "+44 20 7946 0000",
    "address": "1 High Street, York",
    "hours": "Mon-Fri 9:00-18:00",
    "country": "GB",
    "urgent_ack_minutes": "30",
}


def _urgent_checkin(client: TestClient, world: World, key: str = "urgent-1") -> None:
    login(client, world.patient_a)
    response = post_form(
        client,
        "/checkin",
        "/checkin",
        {
            "fever": "true",
            "spreading_redness": "true",
            "pus_or_yellow_crust": "true",
            "redness": "3",
            "idempotency_key": key,
        },
    )
    assert response.status_code == 303


def _alert(app: FastAPI) -> Alert:
    with app.state.session_factory() as session:
        return session.scalars(select(Alert).order_by(Alert.id.desc())).first()


def _save_settings(client: TestClient, world: World, **changes: str) -> object:
    login(client, world.admin_a)
    return post_form(client, "/clinic/settings", "/clinic/settings", {**SETTINGS, **changes})


def test_after_an_urgent_check_in_every_patient_page_shows_the_banner_until_resolved(
    app: FastAPI, client: TestClient, world: World
) -> None:
    assert _save_settings(client, world).status_code == 303
    _urgent_checkin(client, world)
    today = client.get("/today").text
    assert 'class="care-banner level-urgent"' in today
    assert "Today&#39;s check-in: Urgent" not in today and "Today's check-in: Urgent" not in today
    assert 'href="tel:+442079460000"' in today and "Mon-Fri 9:00-18:00" in today
    assert 'href="tel:999"' in today
    for page in ("/history", "/products", "/guide", "/messages"):
        assert 'class="care-banner level-urgent"' in client.get(page).text, page

    with app.state.session_factory() as session:
        checkin_id = session.scalars(select(Checkin.id)).one()
    result = client.get(f"/checkins/{checkin_id}").text
    assert "112 or 911" not in result and "911, 112 or 999" not in result
    assert "call 999" in result
    assert "if you get a fever" not in result.lower()  # they just said they have one
    assert "You told us about: " in result and "fever or chills" in result

    login(client, world.clinician_a)
    post_form(
        client,
        "/clinic/alerts",
        f"/clinic/alerts/{_alert(app).id}/resolve",
        {"note": "Seen today", "tell_patient": "1"},
    )
    login(client, world.patient_a)
    today = client.get("/today").text
    assert "care-banner" not in today
    assert "Seen today" in today  # the resolution reached the patient as a message


def test_a_clinic_without_contact_details_is_warned_and_patients_get_a_plain_fallback(
    client: TestClient, world: World
) -> None:
    _urgent_checkin(client, world)
    today = client.get("/today").text
    assert "care-banner" in today and "call your local emergency number" in today
    assert "has not added a phone number" in today
    login(client, world.clinician_a)
    alerts = client.get("/clinic/alerts").text
    assert "Patients cannot see how to reach you" in alerts
    assert "phone, opening hours, country" in alerts
    _save_settings(client, world)
    assert "Patients cannot see how to reach you" not in client.get("/clinic/alerts").text


def test_the_settings_page_is_for_admins_and_keeps_what_was_typed_on_errors(
    client: TestClient, world: World
) -> None:
    login(client, world.clinician_a)
    assert client.get("/clinic/settings").status_code == 403
    response = _save_settings(client, world, phone="call me", urgent_ack_minutes="2")
    assert response.status_code == 422
    html = response.text
    assert 'id="phone-error"' in html and 'id="urgent_ack_minutes-error"' in html
    assert 'value="call me"' in html and "1 High Street, York" in html
    assert "Settings" in client.get("/clinic/alerts").text  # the admin's tab


def test_a_reply_from_the_check_in_page_reaches_today_and_the_patient_answers(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _urgent_checkin(client, world)
    alert = _alert(app)
    login(client, world.clinician_a)
    page = f"/clinic/patients/{world.patient_a_id}/checkins/{alert.checkin_id}"
    html = client.get(page).text
    assert "Answers as given" in html and "Fever or chills" in html
    assert 'href="/guide/sources#' in html  # findings link to their source
    assert "first check-in" in html
    response = post_form(
        client,
        page,
        f"/clinic/patients/{world.patient_a_id}/messages",
        {"message": "Please call us now.", "alert_id": str(alert.id), "next": page},
    )
    assert response.status_code == 303 and response.headers["location"] == page

    login(client, world.patient_a)
    today = client.get("/today").text
    assert "Please call us now." in today and "(1 new)" in today
    assert "(1 new)" not in client.get("/today").text  # read now
    response = post_form(client, "/messages", "/messages", {"message": "On my way."})
    assert response.status_code == 303
    empty = post_form(client, "/messages", "/messages", {"message": "  "})
    assert empty.status_code == 422 and 'id="message-error"' in empty.text

    login(client, world.clinician_a)
    alerts = client.get("/clinic/alerts").text
    assert "unread messages" in alerts
    with app.state.session_factory() as session:
        bodies = [m.body for m in session.scalars(select(Message).order_by(Message.id))]
    assert bodies == ["Please call us now.", "On my way."]


def test_the_table_shows_one_row_per_patient_and_the_badge_agrees_with_the_header(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _urgent_checkin(client, world, "a")
    _urgent_checkin(client, world, "b")
    login(client, world.clinician_a)
    html = client.get("/clinic/alerts").text
    assert html.count('id="patient-row-') == 1
    assert "(2 alerts)" in html
    header = re.search(r"<strong>(\d+)</strong> waiting to be acknowledged", html)
    badge = re.search(r'class="badge-count"><span class="visually-hidden">\(</span>(\d+)', html)
    assert header and badge and header.group(1) == badge.group(1) == "1"
    # The badge is the same on every clinic page.
    patients_page = client.get("/clinic/patients").text
    assert re.search(
        r'class="badge-count"><span class="visually-hidden">\(</span>1<', patients_page
    )
    post_form(client, "/clinic/alerts", f"/clinic/alerts/{_alert(app).id}/acknowledge", {})
    assert _alert(app).state is AlertState.ACKNOWLEDGED
    html = client.get("/clinic/alerts?state=open").text
    assert "No alerts match these filters" in html
