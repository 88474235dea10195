"""The roster (issue 20): who needs attention first, filters, cursor pages, the summary
columns kept by the writers, and a scoped plan; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, sessionmaker

from needlecare.services import alerts, checkins, patients, roster, treatments
from needlecare.services.auth import principal_for
from needlecare.services.errors import Forbidden
from needlecare.services.principal import Principal
from needlecare.storage.base import utcnow
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.enums import Level
from needlecare.storage.migrate import alembic_config, upgrade
from needlecare.storage.models import Patient, ReminderEvent, Treatment, User
from needlecare.storage.models.jobs import EventKind, EventOutcome
from needlecare.storage.uow import UnitOfWork
from needlecare.web.pages import clinic as clinic_pages

from .conftest import login
from .seed import World, seed_world

URGENT = {"fever": True, "spreading_redness": True}
CALM = {"redness": 1}


@pytest.fixture
def seeded_db(database_url: str) -> Iterator[tuple[sessionmaker[Session], World, str]]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield factory, seed_world(factory), database_url
    engine.dispose()


def _principal(factory: sessionmaker[Session], email: str) -> Principal:
    with factory() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        return principal_for(session, user)


def _add(uow: UnitOfWork, admin: Principal, name: str, treated_days_ago: int | None) -> int:
    patient = patients.create_patient(uow, admin, patients.PatientCreate(display_name=name))
    if treated_days_ago is not None:
        treatments.create_treatment(
            uow,
            admin,
            patient.id,
            treatments.TreatmentCreate(
                treatment_date=utcnow().date() - timedelta(days=treated_days_ago),
                depth_mm=0.5,
                device="pen",
                areas=["face"],
            ),
        )
    return patient.id


def _checkin(uow: UnitOfWork, staff: Principal, patient_id: int, symptoms: dict[str, Any]) -> Any:
    return checkins.submit_checkin(
        uow, staff, patient_id, checkins.CheckinCreate(symptoms=symptoms)
    )


def _names(page: roster.Page[roster.RosterRow]) -> list[str]:
    return [row.display_name for row in page.items]


def test_attention_first_then_recent_activity_and_the_summary_follows_the_writers(
    seeded_db: tuple[sessionmaker[Session], World, str],
) -> None:
    factory, world, _url = seeded_db
    uow = UnitOfWork(factory)
    admin = _principal(factory, world.admin_a)
    quiet = _add(uow, admin, "Quiet Quinn", None)
    calm = _add(uow, admin, "Calm Cara", 2)
    alarmed = _add(uow, admin, "Alarmed Al", 4)
    _checkin(uow, admin, calm, CALM)
    raised = _checkin(uow, admin, alarmed, URGENT)
    assert raised.alert_id is not None

    page = roster.roster(uow, admin)
    # Al's open urgent alert first; then newest activity: Cara's check-in, Quinn's arrival,
    # Paula (seeded earlier, no check-in).
    assert _names(page) == ["Alarmed Al", "Calm Cara", "Quiet Quinn", "Paula Patient"]
    top = page.items[0]
    assert (top.attention, top.open_alerts, top.last_level) == (Level.URGENT, 1, Level.URGENT)
    assert top.last_day == 4 and top.last_treatment_date == utcnow().date() - timedelta(days=4)
    assert page.items[1].last_level is not None and page.items[1].open_alerts == 0
    assert page.after is None
    assert quiet in {row.patient_id for row in page.items}

    alerts.resolve(uow, admin, raised.alert_id, "Called: seen the same day")
    page = roster.roster(uow, admin)
    al = next(row for row in page.items if row.patient_id == alarmed)
    assert (al.attention, al.open_alerts) == (None, 0)
    # Cara's check-in came before Al's: with no alert left, Al's is the newer activity.
    assert _names(page)[0] == "Alarmed Al"

    other = _principal(factory, world.clinician_b)
    assert _names(roster.roster(uow, other)) == ["Bo B"]  # the other clinic's only
    paula = _principal(factory, world.patient_a)
    with pytest.raises(Forbidden):
        roster.roster(uow, paula)


def test_filters_recovery_alert_missed_treated_on_and_search(
    seeded_db: tuple[sessionmaker[Session], World, str],
) -> None:
    factory, world, _url = seeded_db
    uow = UnitOfWork(factory)
    admin = _principal(factory, world.admin_a)
    long_ago = _add(uow, admin, "Long Ago", 200)
    recent = _add(uow, admin, "Recent Rae", 5)
    alarmed = _add(uow, admin, "Alarmed Al", 1)
    _add(uow, admin, "Never Treated", None)
    _checkin(uow, admin, alarmed, URGENT)
    now = utcnow()
    with factory() as session:
        rae_treatment = session.scalars(
            select(Treatment.id).where(Treatment.patient_id == recent)
        ).one()
        session.add(
            ReminderEvent(
                treatment_id=rae_treatment,
                patient_id=recent,
                clinic_id=world.clinic_a,
                due_day=4,
                kind=EventKind.MISSED_CHECKIN,
                due_at=now - timedelta(hours=20),
                outcome=EventOutcome.QUEUED,
            )
        )
        session.commit()

    def names(**kwargs: Any) -> set[str]:
        return set(_names(roster.roster(uow, admin, roster.RosterFilter(**kwargs))))

    assert names(show="recovery") == {"Recent Rae", "Alarmed Al", "Paula Patient"}
    assert names(show="alert") == {"Alarmed Al"}
    assert names(show="missed") == {"Recent Rae"}
    assert names(treated_on=now.date() - timedelta(days=200)) == {"Long Ago"}
    assert names(query="rae", show="recovery") == {"Recent Rae"}
    assert names(query="%") == set()  # a literal percent sign, not a wildcard
    in_recovery = roster.roster(uow, admin, roster.RosterFilter(show="recovery")).items
    assert long_ago not in {row.patient_id for row in in_recovery}

    _checkin(uow, admin, recent, CALM)  # made up for the missed one
    assert names(show="missed") == set()


def test_cursor_pages_lose_and_repeat_no_row_while_rows_are_added(
    seeded_db: tuple[sessionmaker[Session], World, str],
) -> None:
    factory, world, _url = seeded_db
    uow = UnitOfWork(factory)
    admin = _principal(factory, world.admin_a)
    for n in range(7):
        _add(uow, admin, f"Patient {n}", None)
    before = {row.patient_id for row in roster.roster(uow, admin, limit=100).items}
    seen: list[int] = []
    page = roster.roster(uow, admin, limit=3)
    added = 0
    while True:
        seen += [row.patient_id for row in page.items]
        if page.after is None:
            break
        _add(uow, admin, f"Newcomer {added}", None)  # arrives between two pages
        added += 1
        page = roster.roster(uow, admin, after=page.after, limit=3)
    assert len(seen) == len(set(seen))  # nothing repeated
    assert before <= set(seen)  # nothing lost
    assert added == 2


def test_the_roster_reads_only_the_patient_rows_through_its_index(
    seeded_db: tuple[sessionmaker[Session], World, str], db_kind: str
) -> None:
    """Scoped by clinic, in the index's order: no check-in or alert table in the statement,
    and the plan walks ix_patient_roster with no sort."""
    factory, world, _url = seeded_db
    uow = UnitOfWork(factory)
    admin = _principal(factory, world.admin_a)
    statements: list[str] = []
    engine = factory.kw["bind"]

    def capture(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        roster.roster(uow, admin, roster.RosterFilter(show="alert"))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1
    assert " checkin" not in reads[0] and " alert" not in reads[0]

    statement = select(Patient.id).where(
        *roster._conditions(world.clinic_a, roster.RosterFilter(), utcnow())
    )
    statement = statement.order_by(*(c.desc() for c in roster.ROSTER_KEY)).limit(101)
    sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if db_kind == "sqlite":
            plan = " ".join(
                str(r[-1]) for r in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            )
            assert "ix_patient_roster" in plan and "TEMP B-TREE" not in plan, plan
        else:
            connection.execute(text("SET enable_seqscan = off"))
            plan = " ".join(r[0] for r in connection.execute(text(f"EXPLAIN {sql}")))
            assert "ix_patient_roster" in plan and "Sort" not in plan, plan


def test_the_migration_fills_the_summary_from_existing_rows(
    seeded_db: tuple[sessionmaker[Session], World, str],
) -> None:
    factory, world, url = seeded_db
    uow = UnitOfWork(factory)
    admin = _principal(factory, world.admin_a)
    raised = _checkin(uow, admin, world.patient_a_id, URGENT)
    command.downgrade(alembic_config(url), "h20b_outcomes")
    upgrade(url)
    with factory() as session:
        paula = session.get_one(Patient, world.patient_a_id)
        assert paula.last_checkin_day == raised.checkin.day
        assert paula.last_level == raised.checkin.level
        assert (paula.open_alerts, paula.attention) == (1, raised.checkin.level.rank)
        assert paula.last_activity_at == paula.last_checkin_at is not None
        assert paula.last_treatment_date == utcnow().date() - timedelta(days=3)
        bo = session.get_one(Patient, world.patient_b_id)
        assert (bo.open_alerts, bo.attention, bo.last_checkin_at) == (0, 0, None)
        assert bo.last_activity_at == bo.created_at


def test_the_roster_page_pages_with_a_more_link_filters_and_refuses_a_bad_date(
    client: TestClient, app: FastAPI, world: World
) -> None:
    uow = UnitOfWork(app.state.session_factory)
    admin = _principal(app.state.session_factory, world.admin_a)
    for n in range(3):
        _add(uow, admin, f"Extra {n}", None)
    login(client, world.admin_a)
    first = client.get("/clinic/patients")
    assert first.status_code == 200 and "More patients" not in first.text
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clinic_pages, "ROSTER_PAGE", 2)
        shown: list[str] = []
        url: str | None = "/clinic/patients"
        while url:
            html = client.get(url).text
            shown += re.findall(r'<a href="/clinic/patients/(\d+)">', html)
            more = re.search(r'href="(/clinic/patients\?[^"]*cursor=[^"]+)">More patients', html)
            url = more.group(1).replace("&amp;", "&") if more else None
    assert len(shown) == len(set(shown)) == 4  # Paula and the three extras, once each
    html = client.get("/clinic/patients?show=recovery").text
    assert "Paula Patient" in html and "Extra 0" not in html
    html = client.get("/clinic/patients?show=alert").text
    assert "No patient matches this search." in html
    assert client.get("/clinic/patients?treated=31-12-2025").status_code == 422
    assert client.get("/clinic/patients?cursor=forged").status_code == 422
