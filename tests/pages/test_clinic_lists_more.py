"""Clinic pages' long lists end in a "more" link that carries on from the last row
(issue 20): the alert queue, and the patient page's check-ins, messages and notes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from needlecare.services import alert_queue, checkins, messages, notes, treatments
from needlecare.services.auth import principal_for
from needlecare.services.checkins import CheckinCreate
from needlecare.services.principal import Principal
from needlecare.storage.enums import Device
from needlecare.storage.models import Patient, Treatment, User
from needlecare.storage.models.jobs import EventKind, EventOutcome, ReminderEvent
from needlecare.storage.uow import UnitOfWork
from needlecare.web.pages import clinic as clinic_pages

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


def _principal(client: TestClient, email: str) -> Principal:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        user = session.scalars(select(User).where(User.email == email)).one()
        return principal_for(session, user)


def _walk(client: TestClient, url: str, param: str, pattern: str) -> list[str]:
    """Every item of one list of the patient page, following its "more" links."""
    found: list[str] = []
    more = re.compile(rf'href="(/clinic/patients/\d+\?[^"#]+)#{param}-heading"')
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        found += re.findall(pattern, page.text)
        link = more.search(page.text)
        url = link.group(1).replace("&amp;", "&") if link else ""
    return found


def test_the_patient_pages_lists_end_in_more_links(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clinic_pages, "PATIENT_CHECKINS", 2)
    monkeypatch.setattr(clinic_pages, "PATIENT_MESSAGES", 2)
    monkeypatch.setattr(clinic_pages, "PATIENT_NOTES", 2)
    monkeypatch.setattr(clinic_pages, "PATIENT_SESSIONS", 1)
    uow = UnitOfWork(client.app.state.session_factory)  # type: ignore[attr-defined]
    admin = _principal(client, world.admin_a)
    paula = _principal(client, world.patient_a)
    pid = world.patient_a_id
    for n in range(5):
        notes.add_note(uow, admin, pid, f"Note number {n}")
        messages.send_to_patient(uow, admin, pid, f"Message number {n}")
        checkins.submit_checkin(
            uow, paula, pid, CheckinCreate(symptoms={"redness": n % 3}),
            now=datetime.now(UTC) - timedelta(hours=10 - n),
        )  # fmt: skip
    for days_ago in (40, 80):  # two earlier sessions beside the seed's (3 days ago)
        treatments.create_treatment(
            uow, admin, pid,
            treatments.TreatmentCreate(
                treatment_date=date.today() - timedelta(days=days_ago), depth_mm=0.5,
                device="pen", areas=["face"], fitzpatrick=3,
            ),
        )  # fmt: skip
    login(client, world.admin_a)
    url = f"/clinic/patients/{pid}"
    first = client.get(url)
    assert first.status_code == 200
    # Newest first, each list on its own cursor; every row once.
    assert _walk(client, url, "notes", r">(Note number \d)</p>") == [
        f"Note number {n}" for n in (4, 3, 2, 1, 0)
    ]
    seen = _walk(client, url, "messages", r'<p class="body">(Message number \d)</p>')
    assert sorted(seen) == [f"Message number {n}" for n in range(5)] and len(seen) == 5
    sessions = _walk(client, url, "treatment", r"<strong>Session (\d+)</strong>")
    assert sessions == ["3", "2", "1"]
    days = _walk(client, url, "checkins", r'/checkins/(\d+)">')
    assert len(days) == len(set(days)) == 5
    # A page further down one list keeps the others where they were.
    older = re.search(r'href="(/clinic/patients/\d+\?notes=[^"#]+)#notes-heading', first.text)
    assert older is not None
    page = client.get(older.group(1))
    assert "Back to the newest notes" in page.text and "Note number 4" not in page.text
    assert "Message number 4" in page.text
    assert client.get(f"{url}?notes=forged").status_code == 422


def test_the_patient_page_is_one_audited_read_in_one_commit(
    client: TestClient, world: World
) -> None:
    """Every commit waits for the disk on SQLite: the page reads its lists (check-ins,
    notes, messages, treatments, timeline, recommendations, shelf) in one unit of work."""
    login(client, world.admin_a)
    url = f"/clinic/patients/{world.patient_a_id}"
    client.get(url)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    commits: list[int] = []
    audit_rows: list[str] = []

    def on_commit(_conn: Any) -> None:
        commits.append(1)

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO audit_log"):
            audit_rows.append(statement)

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "before_cursor_execute", on_execute)
    assert len(audit_rows) == 1 and len(commits) == 1, (audit_rows, commits)


def test_the_checkin_page_shows_the_newest_messages_and_links_to_earlier_ones(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from needlecare.web.pages import clinic_alerts

    monkeypatch.setattr(clinic_alerts, "CHECKIN_MESSAGES", 2)
    monkeypatch.setattr(clinic_pages, "PATIENT_MESSAGES", 2)
    uow = UnitOfWork(client.app.state.session_factory)  # type: ignore[attr-defined]
    admin = _principal(client, world.admin_a)
    pid = world.patient_a_id
    for n in range(3):
        messages.send_to_patient(uow, admin, pid, f"Message number {n}")
    done = checkins.submit_checkin(
        uow, _principal(client, world.patient_a), pid, CheckinCreate(symptoms={"redness": 1})
    )
    login(client, world.admin_a)
    page = client.get(f"/clinic/patients/{pid}/checkins/{done.checkin.id}")
    assert page.status_code == 200
    assert "Message number 2" in page.text and "Message number 1" in page.text
    assert "Message number 0" not in page.text
    earlier = re.search(
        r'href="(/clinic/patients/\d+\?messages=[^"#]+)#messages-heading"', page.text
    )
    assert earlier is not None
    older = client.get(earlier.group(1))
    assert "Message number 0" in older.text and "Message number 1" not in older.text


def _walk_adding(
    client: TestClient, url: str, more: re.Pattern[str], pattern: str, add: Any
) -> list[str]:
    """Every item of a list page, following its "more" link, adding a row between pages."""
    found: list[str] = []
    pages = 0
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        found += re.findall(pattern, page.text)
        link = more.search(page.text)
        url = link.group(1).replace("&amp;", "&") if link else ""
        if url:
            add(pages)
        pages += 1
    assert pages >= 3
    return found


def test_recommendations_page_on_both_sides_while_more_are_added(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clinic's patient page and the patient's product checker show the newest
    recommendations and an "older" link; rows added meanwhile are neither repeated nor do
    they push an older one out of the walk."""
    from needlecare.web.pages import product_checker

    monkeypatch.setattr(clinic_pages, "PATIENT_RECOMMENDATIONS", 2)
    monkeypatch.setattr(product_checker, "RECOMMENDATIONS", 2)
    uow = UnitOfWork(client.app.state.session_factory)  # type: ignore[attr-defined]
    admin = _principal(client, world.admin_a)
    pid = world.patient_a_id

    def add(n: int) -> None:
        notes.add_recommendation(uow, admin, pid, notes.RecommendationCreate(f"Added {n}"))

    for n in range(5):
        notes.add_recommendation(uow, admin, pid, notes.RecommendationCreate(f"Balm {n}"))
    login(client, world.admin_a)
    more = re.compile(r'href="(/clinic/patients/\d+\?recs=[^"#]+)#recs-heading"')
    url = f"/clinic/patients/{pid}"
    seen = _walk_adding(client, url, more, r"<li><strong>((?:Balm|Added) \d)</strong>", add)
    assert seen == [f"Balm {n}" for n in (4, 3, 2, 1, 0)]  # newest first, once each
    # The first page again: the rows added meanwhile, newest first.
    first = client.get(url).text
    assert re.findall(r"<li><strong>(Added \d)</strong>", first) == ["Added 1", "Added 0"]
    assert client.get(f"{url}?recs=forged").status_code == 422

    client.cookies.clear()
    login(client, world.patient_a)
    more = re.compile(r'href="(/products\?cursor=[^"#]+)#recs-heading"')
    seen = _walk_adding(
        client, "/products", more, r"<strong>((?:Balm|Added|Later) \d)</strong>",
        lambda n: notes.add_recommendation(
            uow, admin, pid, notes.RecommendationCreate(f"Later {n}")
        ),
    )  # fmt: skip
    assert seen == ["Added 1", "Added 0"] + [f"Balm {n}" for n in (4, 3, 2, 1, 0)]
    older = more.search(client.get("/products").text)
    assert older is not None
    assert "Back to the newest recommendations" in client.get(older.group(1)).text
    assert client.get("/products?cursor=forged").status_code == 422


def test_the_catalogue_page_pages_by_name_while_products_are_added(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from needlecare.services import catalogue
    from needlecare.web.pages import catalogue as catalogue_pages

    monkeypatch.setattr(catalogue_pages, "CATALOGUE_PAGE", 2)
    uow = UnitOfWork(client.app.state.session_factory)  # type: ignore[attr-defined]
    admin = _principal(client, world.admin_a)

    def product(name: str) -> None:
        catalogue.add_product(uow, admin, catalogue.CatalogueProductCreate(name, "Aqua, Glycerin"))

    for name in ("Cream B", "Cream D", "Cream F", "Cream H", "Cream J"):
        product(name)
    added = iter(["Cream A", "Cream K", "Cream E", "Cream G"])
    login(client, world.admin_a)
    more = re.compile(r'href="(/clinic/catalogue\?cursor=[^"]+)"')
    seen = _walk_adding(
        client, "/clinic/catalogue", more, r"<strong>(Cream \w)</strong>",
        lambda _n: product(next(added)),
    )  # fmt: skip
    assert len(seen) == len(set(seen)) and seen == sorted(seen)  # by name, each once
    assert {"Cream B", "Cream D", "Cream F", "Cream H", "Cream J"} <= set(seen)
    assert "Cream A" not in seen  # added before the cursor: on the first page next time
    assert client.get("/clinic/catalogue?cursor=forged").status_code == 422
