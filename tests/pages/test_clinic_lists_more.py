"""Clinic pages' long lists end in a "more" link that carries on from the last row
(issue 20): the alert queue."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient

from needlecare.services import alert_queue
from needlecare.storage.enums import Device
from needlecare.storage.models import Patient, Treatment
from needlecare.storage.models.jobs import EventKind, EventOutcome, ReminderEvent

from .conftest import login
from .seed import World

MORE = re.compile(r'href="(/clinic/alerts\?cursor=[^"]+)"')


def test_the_alert_queue_shows_a_page_and_a_more_link(client: TestClient, world: World) -> None:
    n = alert_queue.QUEUE_PAGE + 5
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        for i in range(n):
            patient = Patient(clinic_id=world.clinic_a, display_name=f"Missed {i:03d}")
            session.add(patient)
            session.flush()
            treatment = Treatment(
                patient_id=patient.id, treatment_date=date.today() - timedelta(days=3),
                depth_mm=0.5, device=Device.PEN, areas=["face"],
            )  # fmt: skip
            session.add(treatment)
            session.flush()
            session.add(
                ReminderEvent(
                    treatment_id=treatment.id, patient_id=patient.id, clinic_id=world.clinic_a,
                    due_day=2, kind=EventKind.MISSED_CHECKIN, outcome=EventOutcome.QUEUED,
                    due_at=datetime.now(UTC) - timedelta(minutes=10 + i),
                )
            )  # fmt: skip
        session.commit()
    login(client, world.admin_a)
    first = client.get("/clinic/alerts")
    assert first.status_code == 200
    names = re.findall(r">(Missed \d{3})</a>", first.text)
    assert names == [f"Missed {i:03d}" for i in range(alert_queue.QUEUE_PAGE)]  # newest first
    more = MORE.search(first.text)
    assert more is not None
    second = client.get(more.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and MORE.search(second.text) is None
    rest = re.findall(r">(Missed \d{3})</a>", second.text)
    assert rest == [f"Missed {i:03d}" for i in range(alert_queue.QUEUE_PAGE, n)]
    assert client.get("/clinic/alerts?cursor=forged").status_code == 422
