"""Every unsafe page form refuses a missing or wrong CSRF token, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import (
    Checkin,
    ClinicalNote,
    ClinicProtocol,
    Message,
    Patient,
    PatientReminderSettings,
    Photo,
    ReminderPause,
    ShelfPhoto,
    ShelfProduct,
    Treatment,
    TreatmentRevision,
)

from .conftest import login
from .seed import World

A_FILE = {"file": ("skin.jpg", b"not really a photo", "image/jpeg")}

# path template -> who is logged in (None: anonymous), a plausible body, files (multipart)
FORMS: dict[str, tuple[str | None, dict[str, str], dict[str, Any] | None]] = {
    "/login": (None, {"email": "paula@example.test", "password": "correct horse battery"}, None),
    "/logout": ("patient", {}, None),
    "/register": (
        None,
        {"display_name": "Reg", "email": "reg@example.test", "password": "long enough pass"},
        None,
    ),
    "/invite/{token}": (None, {"email": "x@example.test", "password": "long enough pass"}, None),
    "/account/password/{token}": (None, {"password": "long enough pass"}, None),
    "/password/forgot": (None, {"email": "ada@alder.test"}, None),
    "/signup/clinic": (
        None,
        {"clinic_name": "Forged", "display_name": "F", "email": "f@example.test"},
        None,
    ),
    "/treatment/new": (
        "patient",
        {"treatment_date": "2026-01-01", "depth_mm": "0.5", "device": "pen", "areas": "face"},
        None,
    ),
    "/checkin": ("patient", {"redness": "1", "idempotency_key": "csrf-test"}, None),
    "/products": ("patient", {"ingredients": "Aqua, Glycerin"}, None),
    "/products/mine": ("patient", {"name": "Balm", "ingredients": "Aqua, Glycerin"}, None),
    "/products/mine/remove": ("patient", {"product_id": "1"}, None),
    "/clinic/catalogue": ("staff", {"name": "Balm", "ingredients": "Aqua, Glycerin"}, None),
    # The scan checks the token inside the size-limited multipart body, like photo uploads.
    "/products/scan": ("patient", {}, A_FILE),
    "/products/mine/{product_id}/photo": ("patient", {}, A_FILE),
    "/clinic/alerts/{alert_id}/acknowledge": ("staff", {}, None),
    "/clinic/alerts/{alert_id}/resolve": ("staff", {"note": "called"}, None),
    "/clinic/alerts/{alert_id}/assign": ("staff", {"assignee_id": "1"}, None),
    "/clinic/patients/{patient_id}/messages": ("staff", {"message": "Please call us"}, None),
    "/messages": ("patient", {"message": "It is worse today"}, None),
    "/clinic/settings": ("staff", {"name": "Forged", "urgent_ack_minutes": "30"}, None),
    # The logo upload checks the token inside the size-limited multipart body, like photos.
    "/clinic/settings/logo": ("staff", {}, A_FILE),
    "/clinic/settings/logo/remove": ("staff", {}, None),
    "/clinic/patients/{patient_id}/notes": ("staff", {"body": "note"}, None),
    "/clinic/patients/{patient_id}/recommendations": ("staff", {"product_name": "Balm"}, None),
    "/clinic/patients/{patient_id}/invite": ("staff", {}, None),
    "/clinic/invite": ("staff", {"display_name": "New Person"}, None),
    "/clinic/staff": ("staff", {"email": "new@alder.test", "role": "clinician"}, None),
    "/clinic/staff/{user_id}/role": ("staff", {"role": "admin"}, None),
    "/clinic/staff/{user_id}/active": ("staff", {"active": "false"}, None),
    "/clinic/protocol": ("staff", {"instruction_text": "Stay out of the sun"}, None),
    # Uploads check the token inside the size-limited multipart body (photos page module).
    "/photos/new": ("patient", {"area": "cheek"}, A_FILE),
    "/clinic/patients/{patient_id}/photos/new": ("staff", {"area": "cheek"}, A_FILE),
    "/photos/{photo_id}/roi": ("patient", {"measure": "auto"}, None),
    "/photos/{photo_id}/delete": ("patient", {"confirm": "yes"}, None),
    "/account/reminders": ("patient", {"local_time": "07:00", "paused": "true"}, None),
    "/account/delete": ("patient", {"confirm": "DELETE MY DATA"}, None),
    "/clinic/patients/{patient_id}/treatments/new": (
        "staff",
        {"treatment_date": "2026-01-01", "depth_mm": "0.5", "device": "pen", "areas": "face"},
        None,
    ),
    "/clinic/patients/{patient_id}/treatments/{treatment_id}": (
        "staff",
        {"treatment_date": "2026-01-01", "depth_mm": "0.5", "device": "pen", "areas": "face"},
        None,
    ),
    "/settings/language": ("patient", {"language": "es"}, None),
    "/settings/password": (
        "patient",
        {
            "current_password": "correct horse battery",
            "new_password": "a quiet lake at dawn 42",
            "new_password_again": "a quiet lake at dawn 42",
        },
        None,
    ),
}

# POST page routes without a session CSRF token, and why they cannot be forged cross-site.
EXEMPT = {
    # RFC 8058 one-click unsubscribe is POSTed by the mail provider, without any session; the
    # HMAC-signed token in the URL is the permission, and a forger cannot know it.
    "/reminders/pause/{token}": "signed link token",
    "/reminders/resume/{token}": "signed link token",
}


def _post_paths(app: FastAPI) -> set[str]:
    """Every POST route of the whole app (included routers too) outside the JSON API, which
    takes bearer tokens, not cookies."""
    paths = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        items = [(c.path, c.original_route) for c in contexts()] if contexts else [(None, route)]
        for path, original in items:
            path = path or getattr(original, "path", "")
            if "POST" in (getattr(original, "methods", None) or ()) and not path.startswith(
                "/api/"
            ):
                paths.add(path)
    return paths


def test_the_table_covers_every_post_form_of_the_pages(app: FastAPI) -> None:
    assert _post_paths(app) == set(FORMS) | set(EXEMPT)
    assert not set(FORMS) & set(EXEMPT)


@pytest.mark.parametrize("template", sorted(EXEMPT))
def test_exempt_routes_refuse_a_forged_link(
    app: FastAPI, client: TestClient, template: str
) -> None:
    response = client.post(template.format(token="forged.token"))
    assert response.status_code == 404
    assert _count(app, ReminderPause) == 0


def _count(app: FastAPI, model: type) -> int:
    with app.state.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("template", sorted(FORMS))
def test_form_without_a_valid_csrf_token_is_refused(
    app: FastAPI, client: TestClient, world: World, template: str
) -> None:
    who, body, files = FORMS[template]
    if who == "patient":
        login(client, world.patient_a)
    elif who == "staff":
        login(client, world.admin_a)
    path = template.format(
        token="inv_whatever",
        alert_id=1,
        patient_id=world.patient_a_id,
        photo_id=1,
        product_id=1,
        treatment_id=1,
        user_id=2,
    )
    models = (Checkin, ClinicalNote, Photo, ClinicProtocol, Message, ShelfProduct, ShelfPhoto)
    models += (Patient, PatientReminderSettings, ReminderPause, Treatment, TreatmentRevision)
    before = [_count(app, m) for m in models]

    for token in (None, "forged-token"):
        data = dict(body) if token is None else {**body, "csrf_token": token}
        response = client.post(path, data=data, files=files)
        assert response.status_code == 403, (token, response.text[-500:])
        assert "reload the page" in response.text

    assert [_count(app, m) for m in models] == before
    if who is not None:  # still logged in: the refused POST /logout did not log out
        assert client.get("/").status_code == 303
        assert client.get("/").headers["location"] != "/login"
