"""Every route of the app, called as a member of another clinic and as an anonymous user:
no read and no write of the first clinic's data. Routes are discovered from `app.routes`,
so a new route is covered as soon as it exists (with a sample body from API_BODIES, or `{}`
until one is added there; unknown path parameters get "1")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from api_helpers import FEVER, columns_of, flat_routes, session_cookie, snapshot, submit
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, update

from needlecare.services import auth, invitations, notes
from needlecare.services.notes import RecommendationCreate
from needlecare.storage.base import Base
from needlecare.storage.models import ApiToken, Clinic, User
from needlecare.storage.uow import UnitOfWork

CSRF = "c" * 43
SECRET_MARKERS = (
    "Pat Patient",
    "Quinn Patient",
    "pat@example.org",
    "alice@example.org",
    "bob@example.org",
    "ALDER-SECRET-NOTE",
    "ALDER-SECRET-PRODUCT",
    "ALDER-SECRET-CLINIC",
)
# Valid JSON bodies, so a write reaches the tenant check instead of stopping at validation.
API_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/auth/tokens"): {"email": "alice@example.org", "password": "wrong-pass"},
    ("POST", "/api/v1/register"): {
        "email": "new-person@example.org",
        "password": "a-long-password",
        "display_name": "New",
    },
    ("POST", "/api/v1/invitations/patient/accept"): {
        "token": "inv_not-a-real-token",
        "email": "x@example.org",
        "password": "a-long-password",
    },
    ("POST", "/api/v1/invitations/staff/accept"): {
        "token": "inv_not-a-real-token",
        "display_name": "X",
        "password": "a-long-password",
    },
    ("POST", "/api/v1/patients"): {"display_name": "Intruder Patient"},
    ("PUT", "/api/v1/patients/{patient_id}"): {"display_name": "Renamed by intruder"},
    ("POST", "/api/v1/patients/{patient_id}/invitations"): None,
    ("POST", "/api/v1/patients/{patient_id}/treatments"): {
        "treatment_date": "2026-01-01",
        "depth_mm": 0.5,
        "device": "pen",
    },
    ("POST", "/api/v1/patients/{patient_id}/checkins"): {"symptoms": {"redness": 1}},
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): None,
    ("POST", "/api/v1/alerts/{alert_id}/resolve"): {"note": "closed by intruder"},
    ("POST", "/api/v1/patients/{patient_id}/notes"): {"body": "intruder note"},
    ("POST", "/api/v1/patients/{patient_id}/recommendations"): {"product_name": "Intruder"},
    ("POST", "/api/v1/patients/{patient_id}/ingredient-check"): {"text": "Aqua, Glycerin"},
    ("POST", "/api/v1/invitations/staff"): {"email": "spy@example.org", "role": "admin"},
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): None,
    ("POST", "/api/v1/me/delete"): {"confirm": "DELETE MY DATA"},
}
# Form fields sent to every unsafe page route (whatever the form, nothing may change).
PAGE_FORM = {
    "csrf_token": CSRF,
    "body": "intruder",
    "note": "intruder",
    "text": "Aqua",
    "product_name": "Intruder",
    "display_name": "Intruder",
    "email": "spy@example.org",
    "role": "admin",
    "password": "a-long-password",
    "redness": "1",
}
PUBLIC_ROUTES = {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


@pytest.fixture
def alder_data(uow: UnitOfWork, world: Any) -> dict[str, str]:
    """Alder's ids for every path parameter, plus data that must never leak."""
    bob = auth.principal_for_token(uow, world.bob.token)
    pat = world.patients["pat"]
    notes.add_note(uow, bob, pat, "ALDER-SECRET-NOTE")
    notes.add_recommendation(uow, bob, pat, RecommendationCreate("ALDER-SECRET-PRODUCT"))
    invitations.invite_patient(uow, bob, world.patients["quinn"])
    outcome = submit(uow, world, "pat", "pat", FEVER)
    assert outcome.alert_id is not None
    with uow:
        clinic = uow.session.get(Clinic, world.alder_id)
        assert clinic is not None
        clinic.name = "ALDER-SECRET-CLINIC"  # a name no page could contain by chance
        uow.commit()
    with uow:
        token_id = uow.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == world.alice.user_id)
        )
    return {
        "patient_id": str(pat),
        "treatment_id": str(world.treatments["pat"]),
        "checkin_id": str(outcome.checkin.id),
        "alert_id": str(outcome.alert_id),
        "token_id": str(token_id),
        "token": "inv_not-a-real-token",
    }


def _call(
    client: TestClient,
    method: str,
    path: str,
    ids: dict[str, str],
    headers: dict[str, str],
    cookies: dict[str, str],
) -> Any:
    url = re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), "1"), path)
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies.set(name, value)
    if method in ("GET", "DELETE") and (method, path) not in API_BODIES:
        return client.request(method, url, headers=headers, follow_redirects=False)
    if path.startswith("/api/"):
        body = API_BODIES.get((method, path), {})
        return client.request(method, url, json=body, headers=headers, follow_redirects=False)
    return client.request(method, url, data=PAGE_FORM, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("who", ["charlie", "anonymous"])
def test_no_route_reads_or_writes_another_clinics_data(
    app: FastAPI,
    client: TestClient,
    uow: UnitOfWork,
    world: Any,
    alder_data: dict[str, str],
    who: str,
) -> None:
    before = snapshot(uow)
    alder_patients = {str(world.patients["pat"]), str(world.patients["quinn"])}
    if who == "charlie":
        headers = world.charlie.headers
        secret = app.state.settings.secret_key
        cookies = session_cookie(secret, {"uid": world.charlie.user_id, "csrf": CSRF})
    else:
        headers, cookies = {}, {}
    called = 0
    for method, path in flat_routes(app):
        if path.startswith("/static") or path in PUBLIC_ROUTES:
            continue
        response = _call(client, method, path, alder_data, headers, cookies)
        called += 1
        where = f"{who}: {method} {path} -> {response.status_code}"
        assert response.status_code < 500, where
        if "{" in path:
            assert response.status_code in (303, 307, 401, 403, 404, 422), where
        for marker in SECRET_MARKERS:
            assert marker not in response.text, f"{where} leaks {marker!r}"
    assert called >= 25
    if who == "charlie":
        # POST /logout ended charlie's own sessions (his own row's session_generation): put
        # it back so that every other column of every row is still compared.
        with uow:
            uow.session.execute(
                update(User).where(User.id == world.charlie.user_id).values(session_generation=0)
            )
            uow.commit()

    after = snapshot(uow)
    for table, rows in before.items():
        assert rows <= after[table], f"{who} changed or deleted rows of {table}"
    # New rows (e.g. charlie's own patient) must not touch Alder's clinic or patients.
    columns = {t.name: [c.name for c in columns_of(t)] for t in Base.metadata.sorted_tables}
    for table, rows in after.items():
        for row in rows - before[table]:
            values = dict(zip(columns[table], row, strict=True))
            assert values.get("clinic_id") != repr(world.alder_id), (table, values)
            assert values.get("patient_id", "None") not in alder_patients, (table, values)


def test_the_sample_bodies_match_existing_routes(app: FastAPI) -> None:
    """A renamed route must not leave its sample behind (it would silently get `{}`)."""
    assert set(API_BODIES) <= set(flat_routes(app))


def test_inspector_sees_every_model_table(uow: UnitOfWork) -> None:
    with uow:
        names = set(inspect(uow.session.get_bind()).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= names
