"""What a page view costs the database, on SQLite and PostgreSQL: units of work (sessions),
SQL statements and commits for the main pages. Counts, not times: they do not move with the
machine's load, and a change that adds a unit of work or a query to every view shows here.

A main page view is one unit of work: the viewer with the layout's data (services.viewer) is
read in the page's own unit, which then writes its one audit row. Times on the page use the
zone read with the viewer (no unit of work from the template)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from needlecare.config import Settings
from needlecare.services import checkins
from needlecare.services.auth import principal_for
from needlecare.storage.models import User
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app

from .conftest import login
from .seed import World, seed_world

# (units of work, statements, commits) per view, after a first view (which may also record
# "last seen"). SQLite counts its BEGIN statements, two in the page's unit (its reads, then
# the audit row under the write lock: UnitOfWork.start_writes); psycopg begins implicitly.
EXPECTED: dict[str, dict[str, tuple[int, int, int]]] = {
    "/today": {"sqlite": (1, 14, 1), "postgresql": (1, 12, 1)},
    "/checkins/{id}": {"sqlite": (1, 11, 1), "postgresql": (1, 9, 1)},
    "/clinic/alerts": {"sqlite": (1, 14, 1), "postgresql": (1, 12, 1)},
}


@pytest.fixture
def seeded_app(settings: Settings) -> Iterator[tuple[FastAPI, World, int]]:
    application = create_app(settings)
    factory = application.state.session_factory
    world = seed_world(factory)
    with factory() as session:
        user = session.scalars(select(User).where(User.email == world.patient_a)).one()
        patient = principal_for(session, user)
    outcome = checkins.submit_checkin(
        UnitOfWork(factory),
        patient,
        world.patient_a_id,
        checkins.CheckinCreate(symptoms={"redness": 1, "swelling": 0, "pain": 0, "itch": 0}),
    )
    yield application, world, outcome.checkin.id
    application.state.engine.dispose()


class Counts:
    def __init__(self, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
        self.units = self.statements = self.commits = 0
        engine = app.state.engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        enter = UnitOfWork.__enter__

        def counted(uow: UnitOfWork) -> UnitOfWork:
            self.units += 1
            return enter(uow)

        monkeypatch.setattr(UnitOfWork, "__enter__", counted)

    def _statement(self, *_args: Any) -> None:
        self.statements += 1

    def _commit(self, *_args: Any) -> None:
        self.commits += 1

    def of(self, client: TestClient, path: str) -> tuple[int, int, int]:
        assert client.get(path).status_code == 200  # a first view: may record "last seen"
        self.units = self.statements = self.commits = 0
        assert client.get(path).status_code == 200
        return self.units, self.statements, self.commits


def test_each_main_page_view_is_one_unit_of_work_with_one_commit(
    seeded_app: tuple[FastAPI, World, int], db_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, world, checkin_id = seeded_app
    counts = Counts(app, monkeypatch)
    with TestClient(app, follow_redirects=False) as client:
        login(client, world.patient_a)
        seen = {
            "/today": counts.of(client, "/today"),
            "/checkins/{id}": counts.of(client, f"/checkins/{checkin_id}"),
        }
        login(client, world.clinician_a)
        seen["/clinic/alerts"] = counts.of(client, "/clinic/alerts")
    assert seen == {page: expected[db_kind] for page, expected in EXPECTED.items()}
