"""Error shapes, security headers, CSRF, and no 500 for hostile input on any route."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from test_tenant_isolation import API_BODIES, flat_routes

from needlecare.services.errors import Forbidden
from needlecare.web.security import SESSION_COOKIE, check_csrf, csrf_token

BAD_BODIES: list[Any] = [
    None,
    [],
    "text",
    12,
    {"unexpected": True},
    {"text": None},
    {"symptoms": "x"},
    {"email": 5, "password": ["a"]},
]


def test_api_errors_have_one_shape(client: TestClient, world: Any) -> None:
    missing = client.get("/api/v1/patients/999999", headers=world.bob.headers)
    assert missing.status_code == 404
    assert missing.json() == {"error": "patient not found", "code": "not_found"}
    not_int = client.get("/api/v1/patients/abc", headers=world.bob.headers)
    assert not_int.status_code == 422
    assert not_int.json()["errors"][0]["field"] == "path.patient_id"
    broken = client.post(
        "/api/v1/auth/tokens", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/health", "/api/v1/me", "/no-such-page"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_health_is_503_when_the_database_is_gone(app: FastAPI, client: TestClient) -> None:
    # Every call asks the database (no answer kept: tests/reliability/test_health.py).
    app.state.database_check.fresh_s = app.state.database_check.stale_s = 0.0
    assert client.get("/health").status_code == 200
    app.state.engine.dispose()
    app.state.engine.pool._creator = _refuse  # every new connection now fails
    assert client.get("/health").status_code == 503


def _refuse() -> Any:
    raise OSError("database unreachable")


@pytest.mark.parametrize("who", ["alice", "pat"])
def test_no_route_answers_500_to_malformed_input(
    app: FastAPI, client: TestClient, world: Any, who: str
) -> None:
    ids = {
        "patient_id": str(world.patients["pat"]),
        "treatment_id": "1",
        "checkin_id": "1",
        "alert_id": "1",
        "token_id": "1",
        "token": "x",
    }
    headers = getattr(world, who).headers
    for method, path in flat_routes(app):
        if (
            method not in ("POST", "PUT")
            or not path.startswith("/api/")
            or (path.endswith("/me/delete"))
        ):
            continue
        url = re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), "1"), path)
        for body in BAD_BODIES:
            response = client.request(method, url, json=body, headers=headers)
            assert response.status_code < 500, (method, path, body, response.text)
    assert API_BODIES  # the same route list the isolation test covers


def test_session_cookie_is_httponly_and_samesite_lax() -> None:
    app = FastAPI()
    from needlecare.config import Settings
    from needlecare.web.security import install_sessions

    install_sessions(
        app,
        Settings(
            data_dir=__import__("pathlib").Path("."),
            database_url="sqlite://",
            secret_key="k" * 40,
            secure_cookies=True,
        ),
    )

    @app.get("/set")
    def set_session(request: Request) -> dict[str, str]:
        return {"csrf": csrf_token(request)}

    with TestClient(app, base_url="https://testserver") as client:
        cookie = client.get("/set").headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "secure" in cookie.lower()


def test_csrf_check_accepts_only_the_sessions_token() -> None:
    app = FastAPI()
    from needlecare.config import Settings
    from needlecare.web.security import install_sessions

    install_sessions(
        app,
        Settings(
            data_dir=__import__("pathlib").Path("."), database_url="sqlite://", secret_key="k" * 40
        ),
    )
    outcomes: list[str] = []

    @app.get("/form")
    def form(request: Request) -> dict[str, str]:
        return {"csrf": csrf_token(request)}

    @app.post("/check")
    def check(request: Request, token: str = "") -> dict[str, bool]:
        try:
            check_csrf(request, token)
        except Forbidden:
            outcomes.append("refused")
            return {"ok": False}
        outcomes.append("accepted")
        return {"ok": True}

    with TestClient(app) as client:
        token = client.get("/form").json()["csrf"]
        client.post("/check", params={"token": "forged"})
        client.post("/check", params={"token": ""})
        client.post("/check", params={"token": token})
    assert outcomes == ["refused", "refused", "accepted"]


def test_openapi_describes_the_checkin_contract(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/api/v1/patients/{patient_id}/checkins"]["post"]
    assert post["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CheckinOut"
    }
    assert any(p["name"] == "idempotency-key" for p in post["parameters"])
    symptoms = schema["components"]["schemas"]["Symptoms"]["properties"]
    assert symptoms["redness"]["maximum"] == 3
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
