"""Every read and write of patient data leaves an audit row; only admins read the log."""

from __future__ import annotations

from typing import Any

from api_helpers import CALM
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import AuditEntry
from needlecare.storage.uow import UnitOfWork


def _actions(uow: UnitOfWork) -> list[tuple[str, int | None, int | None, str | None]]:
    with uow:
        rows = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(r.action, r.actor_user_id, r.patient_id, r.object_id) for r in rows]


def test_reads_and_writes_of_patient_data_are_audited(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    pat = world.patients["pat"]
    created = client.post(
        f"/api/v1/patients/{pat}/checkins", json={"symptoms": CALM}, headers=world.pat.headers
    ).json()
    client.get(f"/api/v1/patients/{pat}", headers=world.bob.headers)
    client.get(f"/api/v1/patients/{pat}/checkins", headers=world.bob.headers)
    assert _actions(uow) == [
        ("checkin.create", world.pat.user_id, pat, str(created["id"])),
        ("patient.read", world.bob.user_id, pat, str(pat)),
        ("checkin.list", world.bob.user_id, pat, str(pat)),
    ]


def test_refused_access_writes_no_audit_row_about_the_patient(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    assert (
        client.get(
            f"/api/v1/patients/{world.patients['pat']}", headers=world.charlie.headers
        ).status_code
        == 404
    )
    assert _actions(uow) == []


def test_admin_reads_own_clinics_log_only(client: TestClient, world: Any) -> None:
    client.get(f"/api/v1/patients/{world.patients['pat']}", headers=world.bob.headers)
    client.get(f"/api/v1/patients/{world.patients['rory']}", headers=world.charlie.headers)
    alder = client.get("/api/v1/audit", headers=world.alice.headers)
    assert alder.status_code == 200
    assert [(e["action"], e["patient_id"]) for e in alder.json()] == [
        ("patient.read", world.patients["pat"])
    ]
    assert client.get("/api/v1/audit", headers=world.bob.headers).status_code == 403
    assert client.get("/api/v1/audit", headers=world.pat.headers).status_code == 403
    birch = client.get("/api/v1/audit", headers=world.charlie.headers).json()
    assert {e["clinic_id"] for e in birch} == {world.birch_id}
