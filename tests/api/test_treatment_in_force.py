"""The treatment in force is one definition (services.treatment_in_force) that every consumer
follows: the newest treatment date, and for two sessions on the same date the one entered last;
a session backdated after a newer one does not take over (both databases)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.api_helpers import CALM
from needlecare.services.treatment_in_force import (
    in_force_id_of_patient,
    superseded,
    treatment_in_force,
)
from needlecare.storage.models import Patient, Treatment
from needlecare.storage.uow import UnitOfWork

API = "/api/v1/patients"


def _record(client: TestClient, world: Any, patient: int, when: date) -> int:
    body = {"treatment_date": when.isoformat(), "depth_mm": 1.0, "device": "pen", "areas": ["face"]}
    created = client.post(f"{API}/{patient}/treatments", headers=world.bob.headers, json=body)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_every_consumer_follows_the_same_treatment_in_force(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    pat = world.patients["pat"]
    today = date.today()
    _record(client, world, pat, today - timedelta(days=3))
    first_same_day = _record(client, world, pat, today - timedelta(days=2))
    in_force = _record(client, world, pat, today - timedelta(days=2))  # same day, entered later
    backdated = _record(client, world, pat, today - timedelta(days=20))  # entered last, older
    assert first_same_day < in_force < backdated

    with uow.reading():
        session = uow.session
        found = treatment_in_force(session, pat)
        assert found is not None and found.id == in_force
        by_subquery = session.scalar(select(in_force_id_of_patient()).where(Patient.id == pat))
        assert by_subquery == in_force
        old = dict(
            session.execute(
                select(Treatment.id, superseded()).where(Treatment.patient_id == pat)
            ).all()
        )
        assert [tid for tid, gone in old.items() if not gone] == [in_force]
        assert old[first_same_day] and old[backdated]

    listed = client.get(f"{API}/{pat}/treatments", headers=world.bob.headers).json()
    assert listed[0]["id"] == in_force
    sent = client.post(f"{API}/{pat}/checkins", headers=world.pat.headers, json={"symptoms": CALM})
    assert sent.status_code == 201, sent.text
    assert sent.json()["treatment_id"] == in_force
    assert sent.json()["day"] == 2


def test_no_treatment_yet_is_none(world: Any, uow: UnitOfWork) -> None:
    with uow:
        patient = Patient(clinic_id=world.alder_id, display_name="New Patient", history=[])
        uow.session.add(patient)
        uow.commit()
        assert treatment_in_force(uow.session, patient.id) is None
