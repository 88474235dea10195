"""Cookies and headers behind a proxy, and token revocation seen by every app process."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from needlecare.config import Settings, load_settings
from needlecare.web.app import create_app

HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options",
           "permissions-policy")  # fmt: skip


def _cookie(settings: Settings, forwarded: dict[str, str], scheme: str = "http") -> str:
    app = create_app(settings)
    try:
        # TestClient's peer address is "testclient"; base_url sets the request's own scheme.
        with TestClient(app, base_url=f"{scheme}://testserver") as client:
            return client.get("/login", headers=forwarded).headers["set-cookie"]
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_secure_cookie_only_when_a_trusted_proxy_says_https(settings: Settings) -> None:
    https = {"x-forwarded-proto": "https"}
    plain = _cookie(settings, {})
    assert "httponly" in plain.lower() and "samesite=lax" in plain.lower()
    assert "secure" not in plain.lower()
    assert "secure" not in _cookie(settings, https).lower()  # untrusted peer: header ignored
    trusted = settings.model_copy(update={"trusted_proxies": ("testclient",)})
    assert "secure" in _cookie(trusted, https).lower()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_secure_cookie_when_the_server_itself_speaks_tls(settings: Settings) -> None:
    cookie = _cookie(settings, {}, scheme="https").lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_trusted_proxies_come_from_the_environment(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEEDLECARE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEEDLECARE_TRUSTED_PROXIES", "10.0.0.1, 10.1.0.0/16")
    assert load_settings().trusted_proxies == ("10.0.0.1", "10.1.0.0/16")
    monkeypatch.delenv("NEEDLECARE_TRUSTED_PROXIES")
    assert load_settings().trusted_proxies == ()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/health", "/nope", "/static/x.css"])
def test_security_headers_on_every_kind_of_response(client: TestClient, path: str) -> None:
    response = client.get(path)
    for name in HEADERS:
        assert response.headers.get(name), (path, name)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_revoked_token_is_refused_at_once_by_another_app_process(
    settings: Settings, world: Any
) -> None:
    """Revocation lives in the database: a second app (its own engine) refuses at once."""
    first, second = create_app(settings), create_app(settings)
    try:
        a, b = TestClient(first), TestClient(second)
        headers = world.alice.headers
        assert b.get("/api/v1/me", headers=headers).status_code == 200
        tokens = a.get("/api/v1/auth/tokens", headers=headers).json()
        assert (
            a.delete(f"/api/v1/auth/tokens/{tokens[0]['id']}", headers=headers).status_code == 200
        )
        assert b.get("/api/v1/me", headers=headers).status_code == 401
        assert a.get("/api/v1/me", headers=headers).status_code == 401
    finally:
        first.state.engine.dispose()
        second.state.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize(
    "raw_id", ["2147483648", "9223372036854775808", "99999999999999999999999999"]
)
def test_ids_beyond_any_database_integer_are_not_found(
    client: TestClient, world: Any, raw_id: str
) -> None:
    """Found by schemathesis: such ids made the database driver overflow (a 500)."""
    for path in (f"/api/v1/patients/{raw_id}", f"/api/v1/alerts/{raw_id}/acknowledge"):
        method = client.post if path.endswith("acknowledge") else client.get
        response = method(path, headers=world.bob.headers)
        assert response.status_code == 404, (path, response.text)
    assert client.get("/api/v1/patients/2147483647", headers=world.bob.headers).status_code == 404
