"""Login rate limit and lockout live in the database: every app server sees the same counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.config import Settings
from needlecare.services import auth, ratelimit
from needlecare.services.errors import Unauthorized
from needlecare.services.ratelimit import TooManyAttempts
from needlecare.storage.models import LoginFailure
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app


def _fail(client: TestClient, email: str, times: int) -> list[int]:
    body = {"email": email, "password": "wrong password!"}
    return [client.post("/api/v1/auth/tokens", json=body).status_code for _ in range(times)]


def test_account_locks_after_repeated_failures_even_with_the_right_password(
    client: TestClient, world: Any
) -> None:
    assert _fail(client, world.alice.email, ratelimit.LOCK_AFTER) == [401] * ratelimit.LOCK_AFTER
    right = {"email": world.alice.email, "password": world.alice.password}
    locked = client.post("/api/v1/auth/tokens", json=right)
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert "locked for 15 minutes" in locked.json()["error"]
    # Another account from the same client is not locked.
    other = {"email": world.bob.email, "password": world.bob.password}
    assert client.post("/api/v1/auth/tokens", json=other).status_code == 201


def _age_failures(uow: UnitOfWork, by: timedelta) -> None:
    """Move recorded failures back in time (instead of sleeping through the window)."""
    with uow:
        for row in uow.session.scalars(select(LoginFailure)):
            row.at = row.at - by
        uow.commit()


def test_lock_ends_after_the_lockout_period(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    _fail(client, world.alice.email, ratelimit.LOCK_AFTER)
    right = {"email": world.alice.email, "password": world.alice.password}
    assert client.post("/api/v1/auth/tokens", json=right).status_code == 429
    _age_failures(uow, ratelimit.LOCKOUT)
    assert client.post("/api/v1/auth/tokens", json=right).status_code == 201


def test_success_clears_the_account_count(uow: UnitOfWork, world: Any) -> None:
    for _ in range(ratelimit.LOCK_AFTER - 1):
        with pytest.raises(Unauthorized):
            auth.authenticate(uow, world.bob.email, "nope nope nope")
    auth.authenticate(uow, world.bob.email, world.bob.password)
    for _ in range(ratelimit.LOCK_AFTER - 1):
        with pytest.raises(Unauthorized):
            auth.authenticate(uow, world.bob.email, "nope nope nope")
    assert auth.authenticate(uow, world.bob.email, world.bob.password).user_id == world.bob.user_id


def test_one_client_ip_spraying_many_accounts_is_blocked(uow: UnitOfWork, world: Any) -> None:
    for n in range(ratelimit.IP_LIMIT):
        with pytest.raises(Unauthorized):
            auth.authenticate(uow, f"nobody{n}@example.org", "guess guess", client_ip="203.0.113.9")
    with pytest.raises(TooManyAttempts, match="from your network"):
        auth.authenticate(uow, world.bob.email, world.bob.password, client_ip="203.0.113.9")
    assert auth.authenticate(uow, world.bob.email, world.bob.password, client_ip="203.0.113.10")


def test_the_count_is_shared_by_separate_app_processes(settings: Settings, world: Any) -> None:
    """Two apps with their own engines (as two servers would have) count the same failures."""
    apps = [create_app(settings), create_app(settings)]
    try:
        clients = [TestClient(a, raise_server_exceptions=False) for a in apps]
        for n in range(ratelimit.LOCK_AFTER):
            _fail(clients[n % 2], world.charlie.email, 1)
        right = {"email": world.charlie.email, "password": world.charlie.password}
        assert [c.post("/api/v1/auth/tokens", json=right).status_code for c in clients] == [429] * 2
    finally:
        for a in apps:
            a.state.engine.dispose()


def test_old_failures_are_deleted(uow: UnitOfWork) -> None:
    ratelimit.record_failure(uow, "old@example.org", "198.51.100.1")
    _age_failures(uow, ratelimit.RETENTION + timedelta(minutes=1))
    ratelimit.record_failure(uow, "new@example.org", None)
    with uow.reading():
        keys = sorted(uow.session.scalars(select(LoginFailure.key)))
    assert keys == ["new@example.org"]
