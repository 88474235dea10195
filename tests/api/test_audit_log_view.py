"""Issue 19: the audit log a privacy officer can use: names, filters (person, patient, action,
date range), keyset pages on (at, id), and a CSV of the filtered view."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from conftest import World
from needlecare.services import audit_log, auth
from needlecare.services.errors import Forbidden, Invalid
from needlecare.storage.models import AuditEntry
from needlecare.storage.uow import UnitOfWork

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _seed(uow: UnitOfWork, world: World) -> None:
    """Nine entries of clinic A at known times (two share one instant), one of clinic B."""
    pat, quinn = world.patients["pat"], world.patients["quinn"]
    rows = [
        (T0, world.bob.user_id, "clinician", "checkin.read", pat),
        (T0, world.alice.user_id, "admin", "checkin.read", quinn),  # same instant as above
        (T0 + timedelta(hours=1), world.bob.user_id, "clinician", "note.create", pat),
        (T0 + timedelta(days=1), world.bob.user_id, "clinician", "patient.read", quinn),
        (T0 + timedelta(days=1, hours=2), None, "system", "reminder.sent", pat),
        (T0 + timedelta(days=2), world.alice.user_id, "admin", "patient.update", pat),
        (T0 + timedelta(days=3), world.bob.user_id, "clinician", "checkin.read", quinn),
        (T0 + timedelta(days=4), world.alice.user_id, "admin", "note.read", None),
        (T0 + timedelta(days=5), world.bob.user_id, "clinician", "=HYPERLINK(evil)", pat),
    ]
    with uow:
        for at, who, role, action, patient in rows:
            uow.session.execute(
                insert(AuditEntry).values(
                    at=at, actor_user_id=who, actor_role=role, action=action,
                    object_type="patient", object_id=str(patient or 0),
                    clinic_id=world.alder_id, patient_id=patient,
                )
            )  # fmt: skip
        uow.session.execute(
            insert(AuditEntry).values(
                at=T0, actor_user_id=world.charlie.user_id, actor_role="admin",
                action="checkin.read", object_type="patient", object_id="1",
                clinic_id=world.birch_id, patient_id=world.patients["rory"],
            )
        )  # fmt: skip
        uow.commit()


def _range() -> dict[str, str]:
    return {"since": T0.isoformat(), "until": (T0 + timedelta(days=10)).isoformat()}


def test_names_filters_and_pages(client: TestClient, uow: UnitOfWork, world: World) -> None:
    _seed(uow, world)
    headers = world.alice.headers
    everything = client.get("/api/v1/audit", params=_range(), headers=headers)
    assert everything.status_code == 200
    rows = everything.json()
    assert len(rows) == 9  # clinic B's entry and the audit.list reads (now) are outside
    assert [r["at"] for r in rows] == sorted((r["at"] for r in rows), reverse=True)
    by_action = {r["action"]: r for r in rows}
    assert by_action["note.create"]["actor_name"] == "Bob"
    assert by_action["note.create"]["patient_name"] == "Pat Patient"
    assert by_action["reminder.sent"]["actor_name"] is None

    bob = client.get(
        "/api/v1/audit", params={**_range(), "actor_user_id": world.bob.user_id}, headers=headers
    ).json()
    assert {r["actor_user_id"] for r in bob} == {world.bob.user_id} and len(bob) == 5
    quinn = client.get(
        "/api/v1/audit",
        params={**_range(), "patient_id": world.patients["quinn"], "action": "checkin."},
        headers=headers,
    ).json()
    assert [r["action"] for r in quinn] == ["checkin.read", "checkin.read"]
    day_two = client.get(
        "/api/v1/audit",
        params={"since": (T0 + timedelta(days=1)).isoformat(),
                "until": (T0 + timedelta(days=2)).isoformat()},
        headers=headers,
    ).json()  # fmt: skip
    assert [r["action"] for r in day_two] == ["reminder.sent", "patient.read"]

    # Pages of 2 by (at, id), following Link: every row once, the tie at T0 included.
    seen: list[int] = []
    url: str | None = "/api/v1/audit"
    params: dict[str, object] | None = {**_range(), "limit": 2}
    while url:
        page = client.get(url, params=params, headers=headers)
        assert page.status_code == 200
        seen += [r["id"] for r in page.json()]
        link = page.headers.get("link")
        url = link[1 : link.index(">")] if link else None
        params = None
    assert sorted(seen) == sorted(r["id"] for r in rows) and len(seen) == len(set(seen))


def test_bad_filters_are_clear_422s(client: TestClient, world: World) -> None:
    headers = world.alice.headers
    backwards = {"since": T0.isoformat(), "until": (T0 - timedelta(days=1)).isoformat()}
    assert client.get("/api/v1/audit", params=backwards, headers=headers).status_code == 422
    forged = client.get("/api/v1/audit", params={"cursor": "nope"}, headers=headers)
    assert forged.status_code == 422
    naive = client.get("/api/v1/audit", params={"since": "2026-03-01T00:00:00"}, headers=headers)
    assert naive.status_code == 200  # a naive instant is UTC


def test_only_admins_and_only_their_clinic(uow: UnitOfWork, world: World) -> None:
    _seed(uow, world)
    bob = auth.principal_for_token(uow, world.bob.token)
    with pytest.raises(Forbidden):
        audit_log.search(uow, bob, audit_log.AuditFilter())
    charlie = auth.principal_for_token(uow, world.charlie.token)
    rows = audit_log.search(uow, charlie, audit_log.AuditFilter(until=T0 + timedelta(days=9)))
    assert [r.patient_id for r in rows.items] == [world.patients["rory"]]
    # Another clinic's patient id as a filter finds nothing of theirs.
    other = audit_log.AuditFilter(patient_id=world.patients["pat"])
    assert audit_log.search(uow, charlie, other).items == []
    with pytest.raises(Invalid):
        audit_log.search(uow, charlie, audit_log.AuditFilter(action="x" * 61))


def test_csv_of_the_filtered_view(uow: UnitOfWork, world: World) -> None:
    _seed(uow, world)
    alice = auth.principal_for_token(uow, world.alice.token)
    flt = audit_log.AuditFilter(patient_id=world.patients["pat"], until=T0 + timedelta(days=9))
    text, truncated = audit_log.export_csv(uow, alice, flt)
    assert not truncated
    table = list(csv.DictReader(io.StringIO(text)))
    assert [r["action"] for r in table] == [
        "'=HYPERLINK(evil)",  # a formula is shown as text, never run
        "patient.update",
        "reminder.sent",
        "note.create",
        "checkin.read",
    ]
    assert {r["patient"] for r in table} == {"Pat Patient"}
    assert table[-1]["person"] == "Bob" and table[2]["person"] == ""
    recent = audit_log.search(uow, alice, audit_log.AuditFilter(action="audit.export"))
    assert len(recent.items) == 1  # the export itself is audited
