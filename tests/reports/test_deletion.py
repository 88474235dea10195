"""A patient's deletion request leaves nothing of theirs behind but the audit trail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from conftest import World
from needlecare.services import notes
from needlecare.services.auth import new_token
from needlecare.services.deletion import DELETE_CONFIRMATION
from needlecare.storage.base import utcnow
from needlecare.storage.models import AuditEntry, PatientInvitation, Photo, Treatment
from needlecare.storage.uow import UnitOfWork

from .seeding import Seeded, staff

API = "/api/v1"
KEEP_NOTE = "quinn stays, heron-note-3321"


def _all_rows(app: FastAPI) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the live database (reflected: later tables count too)."""
    metadata = MetaData()
    with app.state.engine.connect() as connection:
        metadata.reflect(bind=connection)
        return {
            # Ordered by every column: PostgreSQL returns updated rows in another order.
            name: [
                dict(row._mapping)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for name, table in metadata.tables.items()
        }


def _prepare(uow: UnitOfWork, world: World, seeded: Seeded, data_dir: Path) -> list[Path]:
    bob = staff(world, "bob", world.alder_id)
    notes.add_note(uow, bob, world.patients["quinn"], KEEP_NOTE)
    with uow:  # an old, used invitation of pat's (rows a patient can leave behind)
        uow.session.add(
            PatientInvitation(
                clinic_id=world.alder_id,
                patient_id=seeded.patient_id,
                token_hash=new_token()[1],
                created_by=world.bob.user_id,
                expires_at=utcnow() + timedelta(days=1),
                used_at=utcnow(),
            )
        )
        uow.commit()
    with uow.reading():
        photo = uow.session.get(Photo, seeded.photo_ids[0])
        assert photo is not None
        files = [data_dir / p for p in (photo.image_path, photo.thumb_path, photo.overlay_path)]
    assert all(f.is_file() for f in files)
    return files


def test_deletion_needs_the_confirmation(
    client: TestClient, world: World, seeded: Seeded, app: FastAPI
) -> None:
    before = _all_rows(app)
    before.pop("api_token")  # using a token updates its last_used_at
    for body in ({"confirm": "yes"}, {}, {"confirm": DELETE_CONFIRMATION, "extra": 1}):
        response = client.post(f"{API}/me/delete", json=body, headers=world.pat.headers)
        assert response.status_code == 422
    after = _all_rows(app)
    after.pop("api_token")
    for rows in (before, after):  # using a token also refreshes the account's last_seen_at
        for account in rows["user_account"]:
            account.pop("last_seen_at", None)
    assert after == before
    assert (
        client.post(
            f"{API}/me/delete", json={"confirm": DELETE_CONFIRMATION}, headers=world.bob.headers
        ).status_code
        == 403
    )


def test_deletion_leaves_nothing_behind(
    client: TestClient, world: World, seeded: Seeded, uow: UnitOfWork, app: FastAPI
) -> None:
    pid, uid = seeded.patient_id, world.pat.user_id
    photo_files = _prepare(uow, world, seeded, app.state.settings.data_dir)
    response = client.post(
        f"{API}/me/delete", json={"confirm": DELETE_CONFIRMATION}, headers=world.pat.headers
    )
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert receipt["files_deleted"] == len(photo_files)
    assert not any(f.exists() for f in photo_files)
    assert receipt["rows_deleted"]["checkin"] == len(seeded.checkin_ids)
    assert receipt["rows_deleted"]["alert"] == len(seeded.alert_ids)
    # The login is gone at once.
    assert client.get(f"{API}/me/export", headers=world.pat.headers).status_code == 401

    rows = _all_rows(app)
    personal = [*seeded.free_text, "Pat Patient", "pat@example.org", "seed-pat-"]
    for table, table_rows in rows.items():
        for row in table_rows:
            text = repr(row)
            for value in personal:
                assert value not in text, (table, value)
            if table not in ("audit_log", "patient"):
                assert row.get("patient_id") != pid, table
            if table != "audit_log" and "user_id" in row:
                assert row["user_id"] != uid, table
    (tombstone,) = [r for r in rows["patient"] if r["id"] == pid]
    assert tombstone["clinic_id"] is None and tombstone["email"] is None
    assert tombstone["user_id"] is None and tombstone["fitzpatrick"] is None
    (login,) = [r for r in rows["user_account"] if r["id"] == uid]
    assert not login["is_active"]

    # What remains is the audit trail: actions and ids, the deletion itself last.
    trail = [r for r in rows["audit_log"] if r["patient_id"] == pid]
    assert trail[-1]["action"] == "patient.delete"
    assert trail[-1]["actor_user_id"] == uid and trail[-1]["clinic_id"] == world.alder_id
    assert set(trail[0]) == {c.name for c in AuditEntry.__table__.columns}

    # Nobody else lost anything.
    quinn = world.patients["quinn"]
    assert any(r["patient_id"] == quinn for r in rows["treatment"])
    assert any(r["body"] == KEEP_NOTE for r in rows["clinical_note"])
    assert {r["id"] for r in rows["patient"]} >= set(world.patients.values())
    with uow.reading():
        assert uow.session.scalar(select(Treatment.id).where(Treatment.patient_id == pid)) is None
    roster = client.get(f"{API}/patients", headers=world.bob.headers).json()
    assert pid not in {p["id"] for p in roster}


def test_personal_patient_can_delete_too(
    client: TestClient, world: World, uow: UnitOfWork, app: FastAPI
) -> None:
    sol = world.patients["sol"]
    response = client.post(
        f"{API}/me/delete", json={"confirm": DELETE_CONFIRMATION}, headers=world.sol.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows_deleted"]["treatment"] == 1
    rows = _all_rows(app)
    assert not [r for r in rows["treatment"] if r["patient_id"] == sol]
    assert not [r for r in rows["api_token"] if r["user_id"] == world.sol.user_id]
    assert "sol@example.org" not in repr(rows) and "Sol Patient" not in repr(rows)
    # Logging in again is refused; the email is free to register anew.
    login = client.post(
        f"{API}/auth/tokens", json={"email": "sol@example.org", "password": world.sol.password}
    )
    assert login.status_code == 401
