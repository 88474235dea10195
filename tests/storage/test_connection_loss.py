"""PostgreSQL dropping the app's connections (restart, failover): a clear 503 that resets the
pool, then service as usual; never a 500, and nothing half-written."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from needlecare.storage.models import Checkin
from needlecare.storage.uow import UnitOfWork


def _drop_app_connections(database_url: str) -> int:
    """Terminate every other backend of the test database, as a server restart would."""
    admin = create_engine(database_url, poolclass=NullPool)
    with admin.connect() as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    admin.dispose()
    return int(dropped)


def test_lost_connections_answer_503_then_recover(
    client: TestClient, world: Any, uow: UnitOfWork, database_url: str, db_kind: str
) -> None:
    if db_kind != "postgresql":
        pytest.skip("SQLite has no server connection to lose")
    path = f"/api/v1/patients/{world.patients['pat']}/checkins"
    checkin = {"symptoms": {"redness": 1}}
    assert client.get("/api/v1/me", headers=world.bob.headers).status_code == 200
    assert _drop_app_connections(database_url) >= 1

    key = uuid.uuid4().hex
    headers = {**world.bob.headers, "Idempotency-Key": key}
    first = client.post(path, json=checkin, headers=headers)
    assert first.status_code == 503, first.text
    assert first.headers["Retry-After"] == "1"
    assert first.json()["code"] == "unavailable"

    # The pool was reset: the retry with the same key is stored, once.
    retry = client.post(path, json=checkin, headers=headers)
    assert retry.status_code == 201, retry.text
    assert client.post(path, json=checkin, headers=headers).status_code == 200
    with uow.reading():
        stored = uow.session.scalar(
            select(func.count()).select_from(Checkin).where(Checkin.idempotency_key == key)
        )
    assert stored == 1


def test_a_loss_found_by_a_read_lets_every_route_through_after_it(
    client: TestClient, world: Any, database_url: str, db_kind: str
) -> None:
    """The first request to find the connections dead answers 503 and empties the pool;
    whatever comes next (a write, the alert queue, a token check) gets a live connection."""
    if db_kind != "postgresql":
        pytest.skip("SQLite has no server connection to lose")
    patient = f"/api/v1/patients/{world.patients['pat']}"
    checkin = {"symptoms": {"redness": 1}}
    assert client.get(patient, headers=world.bob.headers).status_code == 200
    assert client.get("/api/v1/alerts", headers=world.bob.headers).status_code == 200
    assert _drop_app_connections(database_url) >= 1

    assert client.get(patient, headers=world.bob.headers).status_code == 503
    stored = client.post(f"{patient}/checkins", json=checkin, headers=world.bob.headers)
    assert stored.status_code == 201, stored.text
    assert client.get("/api/v1/alerts", headers=world.bob.headers).status_code == 200
    assert client.get("/api/v1/me", headers=world.bob.headers).status_code == 200
