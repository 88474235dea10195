"""Every unsafe page form refuses a missing or wrong CSRF token, and changes nothing."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import Checkin, ClinicalNote
from needlecare.web import pages

from .conftest import login
from .seed import World

# path template -> who is logged in (None: anonymous) and a plausible body
FORMS: dict[str, tuple[str | None, dict[str, str]]] = {
    "/login": (None, {"email": "paula@example.test", "password": "correct horse battery"}),
    "/logout": ("patient", {}),
    "/register": (
        None,
        {"display_name": "Reg", "email": "reg@example.test", "password": "long enough pass"},
    ),
    "/invite/{token}": (None, {"email": "x@example.test", "password": "long enough pass"}),
    "/treatment/new": (
        "patient",
        {"treatment_date": "2026-01-01", "depth_mm": "0.5", "device": "pen", "areas": "face"},
    ),
    "/checkin": ("patient", {"redness": "1", "idempotency_key": "csrf-test"}),
    "/products": ("patient", {"ingredients": "Aqua, Glycerin"}),
    "/clinic/alerts/{alert_id}/acknowledge": ("staff", {}),
    "/clinic/alerts/{alert_id}/resolve": ("staff", {"note": "called"}),
    "/clinic/patients/{patient_id}/notes": ("staff", {"body": "note"}),
    "/clinic/patients/{patient_id}/recommendations": ("staff", {"product_name": "Balm"}),
    "/clinic/patients/{patient_id}/invite": ("staff", {}),
    "/clinic/invite": ("staff", {"display_name": "New Person"}),
    "/clinic/staff": ("staff", {"email": "new@alder.test", "role": "clinician"}),
}


def _post_paths() -> set[str]:
    routers = (pages.auth.router, pages.patient.router, pages.clinic.router)
    return {
        route.path
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    }


def test_the_table_covers_every_post_form_of_the_pages() -> None:
    assert _post_paths() == set(FORMS)


def _count(app: FastAPI, model: type) -> int:
    with app.state.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("template", sorted(FORMS))
def test_form_without_a_valid_csrf_token_is_refused(
    app: FastAPI, client: TestClient, world: World, template: str
) -> None:
    who, body = FORMS[template]
    if who == "patient":
        login(client, world.patient_a)
    elif who == "staff":
        login(client, world.admin_a)
    path = template.format(token="inv_whatever", alert_id=1, patient_id=world.patient_a_id)
    before = (_count(app, Checkin), _count(app, ClinicalNote))

    for token in (None, "forged-token"):
        data = dict(body) if token is None else {**body, "csrf_token": token}
        response = client.post(path, data=data)
        assert response.status_code == 403, (token, response.text[-500:])
        assert "reload the page" in response.text

    assert (_count(app, Checkin), _count(app, ClinicalNote)) == before
    if who is not None:  # still logged in: the refused POST /logout did not log out
        assert client.get("/").status_code == 303
        assert client.get("/").headers["location"] != "/login"
