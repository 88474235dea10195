"""Exports over the API on both databases: who may export what, every format, the audit."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from conftest import World
from needlecare.reports.tabular import TABLES
from needlecare.storage.models import AuditEntry, Photo
from needlecare.storage.uow import UnitOfWork

from .pdftext import pdf_pages
from .seeding import NOTE, SYMPTOMS, Seeded

API = "/api/v1"
PATIENT_ROUTES = ("report.pdf", "export.json", "export.csv", "fhir")


def _audit(uow: UnitOfWork, action: str) -> list[AuditEntry]:
    with uow.reading():
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_staff_get_every_format_of_their_patient(
    client: TestClient, world: World, seeded: Seeded, uow: UnitOfWork
) -> None:
    base = f"{API}/patients/{seeded.patient_id}"
    pdf = client.get(f"{base}/report.pdf", headers=world.bob.headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    pages = pdf_pages(pdf.content)
    assert len(pages) >= 3 and "Pat Patient" in pages[0] and "Alder Clinic" in pages[0]
    assert "zebra-note-5521" in " ".join(pages)  # staff see the clinician notes
    # the findings in the clinic's words (the patient's own copy keeps "You have a fever")
    assert "Fever reported with skin signs" in " ".join(pages)
    assert "You have a fever" not in " ".join(pages)
    assert "Photos and measurements" in pages[-1] and "Red spots counted" in pages[-1]

    doc = client.get(f"{base}/export.json", headers=world.bob.headers).json()
    (patient,) = doc["patients"]
    assert [c["day"] for c in patient["checkins"]] == sorted(SYMPTOMS)
    assert [n["body"] for n in patient["notes"]] == [NOTE]
    assert len(patient["treatments"]) == 2 and len(patient["alerts"]) == len(seeded.alert_ids)

    text = client.get(f"{base}/export.csv", headers=world.bob.headers).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["checkin_id"]) for r in rows] == seeded.checkin_ids
    notes_csv = client.get(f"{base}/export.csv?table=notes", headers=world.bob.headers)
    (note,) = list(csv.DictReader(io.StringIO(notes_csv.content.decode("utf-8-sig"))))
    assert note["body"] == "'" + NOTE  # formula neutralised

    fhir = client.get(f"{base}/fhir", headers=world.bob.headers)
    assert fhir.headers["content-type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(fhir.content)
    counts = Counter(e.resource.get_resource_type() for e in bundle.entry)
    assert counts["QuestionnaireResponse"] == len(SYMPTOMS)
    assert counts["Procedure"] == 2 and counts["Patient"] == 1
    (media,) = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Media"]
    assert media.content.data and media.content.contentType == "image/jpeg"
    assert [p["id"] for p in patient["photos"]] == seeded.photo_ids

    for fmt, requests in (("pdf", 1), ("json", 1), ("csv", 2), ("fhir", 1)):
        entries = _audit(uow, f"export.patient.{fmt}")
        assert len(entries) == requests
        assert {(e.patient_id, e.actor_user_id) for e in entries} == {
            (seeded.patient_id, world.bob.user_id)
        }


@pytest.mark.parametrize("route", PATIENT_ROUTES)
def test_staff_of_another_clinic_get_404(
    client: TestClient, world: World, seeded: Seeded, route: str
) -> None:
    response = client.get(
        f"{API}/patients/{seeded.patient_id}/{route}", headers=world.charlie.headers
    )
    assert response.status_code == 404
    assert b"Pat Patient" not in response.content


def test_patient_downloads_only_their_own(
    client: TestClient, world: World, seeded: Seeded, uow: UnitOfWork, app: FastAPI
) -> None:
    own = client.get(f"{API}/patients/{seeded.patient_id}/export.json", headers=world.pat.headers)
    assert own.status_code == 200
    assert own.json()["patients"][0]["notes"] == []  # the report follows the staff-only rule
    for route in PATIENT_ROUTES:
        other = client.get(
            f"{API}/patients/{world.patients['quinn']}/{route}", headers=world.pat.headers
        )
        assert other.status_code == 404
    assert client.get(f"{API}/clinic/export.json", headers=world.pat.headers).status_code == 403

    mine = client.get(f"{API}/me/export", headers=world.pat.headers)
    assert mine.status_code == 200 and mine.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(mine.content))
    photo_id = seeded.photo_ids[0]
    assert sorted(archive.namelist()) == ["needlecare-my-data.json", f"photos/{photo_id}.jpg"]
    with uow.reading():
        photo = uow.session.get(Photo, photo_id)
        assert photo is not None
        stored = (app.state.settings.data_dir / photo.image_path).read_bytes()
    assert archive.read(f"photos/{photo_id}.jpg") == stored
    (patient,) = json.loads(archive.read("needlecare-my-data.json"))["patients"]
    assert [p["id"] for p in patient["photos"]] == [photo_id]
    assert patient["patient"]["id"] == seeded.patient_id
    assert [n["body"] for n in patient["notes"]] == [NOTE]  # their complete copy
    (entry,) = _audit(uow, "export.self")
    assert entry.actor_user_id == world.pat.user_id and entry.patient_id == seeded.patient_id
    assert client.get(f"{API}/me/export", headers=world.bob.headers).status_code == 403


def test_clinic_export_holds_only_the_clinic_and_is_audited(
    client: TestClient, world: World, seeded: Seeded, uow: UnitOfWork
) -> None:
    doc = client.get(f"{API}/clinic/export.json", headers=world.alice.headers).json()
    assert doc["clinic"]["id"] == world.alder_id and doc["scope"] == "clinic"
    ids = {p["patient"]["id"] for p in doc["patients"]}
    assert ids == {world.patients["pat"], world.patients["quinn"]}
    for table, (header, _) in TABLES.items():
        response = client.get(f"{API}/clinic/export.csv?table={table}", headers=world.bob.headers)
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert tuple(rows[0]) == header
        assert {int(r[0]) for r in rows[1:]} <= ids
    patients_csv = client.get(f"{API}/clinic/export.csv?table=patients", headers=world.bob.headers)
    assert b"Rory Patient" not in patients_csv.content
    charlie = client.get(f"{API}/clinic/export.json", headers=world.charlie.headers).json()
    assert {p["patient"]["id"] for p in charlie["patients"]} == {world.patients["rory"]}
    assert (
        client.get(f"{API}/clinic/export.csv?table=secrets", headers=world.bob.headers).status_code
        == 422
    )
    entries = _audit(uow, "export.clinic.csv") + _audit(uow, "export.clinic.json")
    assert Counter(e.clinic_id for e in entries) == {
        world.alder_id: len(TABLES) + 2,
        world.birch_id: 1,
    }


def test_export_without_a_token_is_401(client: TestClient, seeded: Seeded) -> None:
    for path in (f"/patients/{seeded.patient_id}/fhir", "/clinic/export.json", "/me/export"):
        assert client.get(API + path).status_code == 401
    assert client.post(f"{API}/me/delete", json={"confirm": "DELETE MY DATA"}).status_code == 401


def test_json_export_is_valid_json_with_stable_kind(
    client: TestClient, world: World, seeded: Seeded
) -> None:
    raw = client.get(
        f"{API}/patients/{seeded.patient_id}/export.json", headers=world.bob.headers
    ).content
    doc = json.loads(raw)
    assert doc["kind"] == "needlecare.export" and doc["version"] == 1
    assert json.loads(json.dumps(doc)) == doc


def test_personal_patient_without_checkins_gets_a_report(client: TestClient, world: World) -> None:
    response = client.get(
        f"{API}/patients/{world.patients['sol']}/report.pdf", headers=world.sol.headers
    )
    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert "personal account" in pages[0] and "No check-ins yet." in " ".join(pages)
    assert (
        client.get(
            f"{API}/patients/{world.patients['sol']}/report.pdf", headers=world.bob.headers
        ).status_code
        == 404
    )


def test_a_report_pdf_with_every_pdf_slot_taken_is_503_and_leaves_no_audit_row(
    client: TestClient,
    world: World,
    seeded: Seeded,
    uow: UnitOfWork,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from needlecare.services import budget

    monkeypatch.setattr(budget, "QUEUE_WAIT_S", 0.01)
    taken = threading.BoundedSemaphore(1)
    taken.acquire()
    monkeypatch.setitem(budget._semaphores, "pdf", taken)
    with uow.reading():
        before = len(uow.session.scalars(select(AuditEntry.id)).all())
    base = f"{API}/patients/{seeded.patient_id}"
    busy = client.get(f"{base}/report.pdf", headers=world.bob.headers)
    assert busy.status_code == 503 and busy.headers["retry-after"]
    with uow.reading():
        assert len(uow.session.scalars(select(AuditEntry.id)).all()) == before
    # The other formats need no PDF slot.
    assert client.get(f"{base}/export.json", headers=world.bob.headers).status_code == 200
