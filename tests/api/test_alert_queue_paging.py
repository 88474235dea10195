"""The alert queue a page at a time (issue 20): what needs attention first, a cursor to go
on from, and no row lost or shown twice while alerts and missed check-ins arrive; the page's
"more" link; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from api_helpers import ALLERGY, FEVER, submit
from fastapi.testclient import TestClient

from conftest import World
from needlecare.services import alert_queue, alert_queue_actions, auth
from needlecare.storage.enums import Device
from needlecare.storage.models import Patient, Treatment
from needlecare.storage.models.jobs import EventKind, EventOutcome, ReminderEvent
from needlecare.storage.uow import UnitOfWork


def _patient(uow: UnitOfWork, world: World, name: str) -> None:
    with uow:
        patient = Patient(
            clinic_id=world.alder_id, display_name=f"{name.title()} Queue", fitzpatrick=3,
            acne_prone=False, history=[],
        )  # fmt: skip
        uow.session.add(patient)
        uow.flush()
        treatment = Treatment(
            patient_id=patient.id, treatment_date=date.today() - timedelta(days=4),
            depth_mm=1.0, device=Device.PEN, areas=["face"], fitzpatrick=3,
        )  # fmt: skip
        uow.session.add(treatment)
        uow.commit()
        world.patients[name], world.treatments[name] = patient.id, treatment.id


def _missed(uow: UnitOfWork, world: World, name: str, hours_ago: float) -> None:
    with uow:
        uow.session.add(
            ReminderEvent(
                treatment_id=world.treatments[name], patient_id=world.patients[name],
                clinic_id=world.alder_id, due_day=3, kind=EventKind.MISSED_CHECKIN,
                due_at=datetime.now(UTC) - timedelta(hours=hours_ago),
                outcome=EventOutcome.QUEUED,
            )
        )  # fmt: skip
        uow.commit()


def _follow(client: TestClient, world: World, during: Any) -> list[tuple[int, str]]:
    seen: list[tuple[int, str]] = []
    url: str | None = "/api/v1/alerts/queue?limit=3"
    while url:
        page = client.get(url, headers=world.bob.headers)
        assert page.status_code == 200, page.text
        assert page.json()["counts"]["active"] >= 1
        seen += [(r["patient_id"], r["kind"]) for r in page.json()["rows"]]
        link = page.headers.get("link")
        url = link[1 : link.index(">")] if link else None
        if url:
            during()
    return seen


def test_the_queue_pages_in_order_and_loses_no_row_while_rows_arrive(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    for n in range(8):
        _patient(uow, world, f"p{n}")
    # Alerts of both levels and ages, one acknowledged; missed check-ins, one at the very
    # same instant as another (the patient orders them).
    for n, (symptoms, hours) in enumerate([(FEVER, 5), (ALLERGY, 9), (FEVER, 1), (ALLERGY, 2)]):
        submit(uow, world, "bob", f"p{n}", symptoms, hours_ago=hours)
    bob = auth.principal_for_token(uow, world.bob.token)
    seen_alert = alert_queue.queue(uow, bob)[-1].alert_id
    assert seen_alert is not None
    alert_queue_actions.acknowledge_row(uow, bob, seen_alert)
    for n, hours in ((4, 3), (5, 3), (6, 30), (7, 50)):
        _missed(uow, world, f"p{n}", hours)
    before = [(r.patient_id, r.kind) for r in alert_queue.queue(uow, bob)]
    assert len(before) == 8

    arrivals = iter(range(100))
    late: list[tuple[int, str]] = []

    def arrive() -> None:
        n = next(arrivals)
        # A fresh urgent alert goes to the top (ahead of the cursor: the next first page
        # shows it); an old missed check-in goes to the bottom (behind it: seen once).
        _patient(uow, world, f"new{n}")
        submit(uow, world, "bob", f"new{n}", ALLERGY)
        _patient(uow, world, f"old{n}")
        _missed(uow, world, f"old{n}", 100 + n)
        late.append((world.patients[f"old{n}"], "missed"))

    seen = _follow(client, world, arrive)
    assert len(seen) == len(set(seen))
    assert seen == before + late  # in the queue's order, none lost, none twice
    everything = [(r.patient_id, r.kind) for r in alert_queue.queue(uow, bob)]
    assert (
        everything[: len(late)]
        == [(world.patients[f"new{n}"], "alert") for n in range(len(late))][::-1]
    )

    forged = client.get("/api/v1/alerts/queue?cursor=abc", headers=world.bob.headers)
    assert forged.status_code == 422
    too_many = client.get("/api/v1/alerts/queue?limit=100000", headers=world.bob.headers)
    assert too_many.status_code == 422


def test_a_cursor_of_another_shape_is_refused(uow: UnitOfWork, world: World) -> None:
    bob = auth.principal_for_token(uow, world.bob.token)
    for bad in ((1, 2), (0, 0, 0, "2026-01-01", 1), (0, 0, 0, datetime(2026, 1, 1), 1)):
        try:
            alert_queue.queue_page(uow, bob, after=bad)
        except alert_queue.Invalid as error:
            assert error.errors[0].field == "query.cursor"
        else:
            raise AssertionError(bad)
