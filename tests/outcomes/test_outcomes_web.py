"""The outcomes page and API, and the de-identified research export, on both databases."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.outcomes.research import NAMES
from needlecare.services import research
from needlecare.storage.models import (
    Alert,
    AuditEntry,
    Checkin,
    Clinic,
    Patient,
    Treatment,
    User,
)
from needlecare.storage.uow import UnitOfWork
from needlecare.web import security
from page_session import set_page_session

from .seed import seed_outcomes


def _login(client: TestClient, user_id: int) -> None:
    """A session cookie as a login makes it (the login form is tested elsewhere)."""
    app = client.app
    assert isinstance(app, FastAPI)
    with app.state.session_factory() as session:
        generation = session.scalar(select(User.session_generation).where(User.id == user_id))
    set_page_session(client, {security._USER_KEY: user_id, security._GENERATION_KEY: generation,
                              security._CSRF_KEY: secrets.token_urlsafe(32)})  # fmt: skip


def test_outcomes_api_gives_the_figures_to_staff_only(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    seed_outcomes(uow, world)
    response = client.get("/api/v1/clinic/outcomes", headers=world.bob.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["followed_treatments"] == 12 and body["min_group"] == 10
    assert body["complications"]["per_100"] == 33.3
    bands = {g["key"]: g for g in body["by_depth_band"]}
    assert bands["S"]["shares"] is None and bands["S"]["note"] == "too few to compare"
    assert client.get("/api/v1/clinic/outcomes", headers=world.pat.headers).status_code == 403
    assert client.get("/api/v1/clinic/outcomes", headers=world.sol.headers).status_code == 403
    assert client.get("/api/v1/clinic/outcomes").status_code == 401


def test_outcomes_page_shows_charts_tables_and_too_few(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    seed_outcomes(uow, world)
    _login(client, world.bob.user_id)
    page = client.get("/clinic/outcomes")
    assert page.status_code == 200
    html = page.text
    assert "33.3 per 100 (95 % CI 13.8-60.9; 4 of 12)" in html
    assert html.count('class="chart share-bars"') == 5  # day, band, device, operator, skin
    assert "too few to compare" in html
    assert 'href="/clinic/outcomes"' in html  # in the staff navigation
    # The expected breakout window's sources are links to their entries.
    assert '<cite><a href="/guide/sources#BO-07">reference.md#BO-07</a></cite>' in html
    assert "research.csv" not in html  # the export is for admins
    _login(client, world.alice.user_id)
    assert "research.csv" in client.get("/clinic/outcomes").text


def _identifiers(uow: UnitOfWork) -> set[str]:
    """Every identifier and personal value of the source rows, as text."""
    found: set[str] = set()
    with uow.reading():
        s = uow.session
        for model in (Patient, Treatment, Checkin, Alert, User, Clinic):
            found |= {str(i) for i in s.scalars(select(model.id))}  # type: ignore[attr-defined]
        for name, email in s.execute(select(Patient.display_name, Patient.email)):
            found |= {name, email}
        for name, email in s.execute(select(User.display_name, User.email)):
            found |= {name, email}
        found |= {str(c) for c in s.scalars(select(Clinic.name))}
        for treated, created in s.execute(select(Treatment.treatment_date, Treatment.created_at)):
            found |= {treated.isoformat(), created.date().isoformat()}
        for key, at in s.execute(select(Checkin.idempotency_key, Checkin.created_at)):
            found |= {key, at.date().isoformat()}
    return {value for value in found if value}


def test_research_export_holds_no_identifier_of_the_source_rows(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    seed_outcomes(uow, world)
    ids = _identifiers(uow)
    response = client.get("/api/v1/clinic/research.csv", headers=world.alice.headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # One row per treatment and day with check-ins: 10 treatments with one day, 2 with two.
    assert len(rows) == 14 and tuple(rows[0]) == NAMES
    as_json = client.get("/api/v1/clinic/research.json", headers=world.alice.headers).json()
    assert [f["name"] for f in as_json["dictionary"]] == list(NAMES)
    every_value = [str(v) for row in rows for v in row.values()]
    every_value += [str(v) for row in as_json["rows"] for v in row.values()]
    for value in every_value:
        for identifier in ids:
            if not identifier.isdigit():  # names, emails, keys, dates: not even inside a field
                assert identifier not in value, (identifier, value)
    for row in rows:  # references are random text, never a source id
        for ref in ("treatment_ref", "person_ref", "operator_ref"):
            assert row[ref] not in ids
    assert {r["day"] for r in rows} <= {"3", "5", "10", "17"}  # days since treatment only
    # Drawn again for each export: two exports cannot be joined on their references.
    again = client.get("/api/v1/clinic/research.csv", headers=world.alice.headers).text
    first_refs = {r["treatment_ref"] for r in rows}
    assert first_refs.isdisjoint(r["treatment_ref"] for r in csv.DictReader(io.StringIO(again)))
    with uow.reading():
        audited = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "research.export")
        ).all()
    assert len(audited) == 3


def test_research_export_is_for_admins_of_the_clinic(client: TestClient, world: Any) -> None:
    for person in (world.bob, world.pat, world.sol):
        response = client.get("/api/v1/clinic/research.csv", headers=person.headers)
        assert response.status_code == 403
    # Another clinic's admin gets their own (empty) clinic: a header line only.
    response = client.get("/api/v1/clinic/research.csv", headers=world.charlie.headers)
    assert response.text.splitlines() == [",".join(NAMES)]


def test_the_data_dictionary_file_is_the_one_the_export_uses() -> None:
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs"
    assert (docs / "research-dictionary.csv").read_text() == research.dictionary_csv()
    guide = (docs / "research-export.md").read_text()
    assert all(f"`{name}`" in guide for name in NAMES)


def test_the_page_downloads_the_export_for_admins(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    seed_outcomes(uow, world)
    _login(client, world.alice.user_id)
    response = client.get("/clinic/outcomes/research.csv")
    assert response.status_code == 200 and response.text.startswith(",".join(NAMES))
    assert client.get("/clinic/outcomes/research.json").json()["rows"]
    assert client.get("/clinic/outcomes/research.xml").status_code == 404
    _login(client, world.bob.user_id)
    assert client.get("/clinic/outcomes/research.csv").status_code == 403
