"""Root fixtures: a fresh migrated database per test, on SQLite and on PostgreSQL.

- `database_url` is parametrised over sqlite and postgresql. PostgreSQL is a throwaway
  cluster per pytest-xdist worker (unless NEEDLECARE_TEST_POSTGRES_URL points at a server);
  each test gets `CREATE DATABASE ... TEMPLATE` of a migrated template (fast).
- `app`, `client` (Starlette TestClient), `uow` and `world` (two clinics, their staff and
  patients, a personal user, with API tokens) are reusable by every test directory.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from needlecare.config import Settings
from needlecare.services import renders
from needlecare.services.auth import new_token
from needlecare.services.passwords import hash_password
from needlecare.storage.enums import Device, Role
from needlecare.storage.migrate import upgrade
from needlecare.storage.models import ApiToken, Clinic, Patient, Treatment, User
from needlecare.storage.pgcluster import PgCluster, PostgresUnavailable, start_cluster
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app

TEMPLATE_DB = "needlecare_template"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


class _External:
    """A server given by NEEDLECARE_TEST_POSTGRES_URL (e.g. in CI)."""

    def __init__(self, url: str) -> None:
        self._url = make_url(url)

    def url(self, database: str = "postgres") -> str:
        return self._url.set(database=database).render_as_string(hide_password=False)


def _admin_execute(server: PgCluster | _External, sql: str) -> None:
    engine = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_server(worker_id: str) -> Iterator[PgCluster | _External]:
    """One PostgreSQL per xdist worker, with a migrated template database."""
    external = os.environ.get("NEEDLECARE_TEST_POSTGRES_URL")
    cluster: PgCluster | None = None
    if external:
        server: PgCluster | _External = _External(external)
    else:
        try:
            cluster = start_cluster(prefix=f"needlecare-test-pg-{worker_id}-")
        except PostgresUnavailable as exc:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI=true but {exc}", pytrace=False)
            pytest.skip(f"PostgreSQL tests skipped: {exc}")
        server = cluster
    template = f"{TEMPLATE_DB}_{worker_id}"
    _admin_execute(server, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    _admin_execute(server, f'CREATE DATABASE "{template}"')
    upgrade(server.url(template))
    server.template = template  # type: ignore[union-attr]
    yield server
    if cluster is not None:
        cluster.stop()
    else:
        _admin_execute(server, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database for this test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "needlecare.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    _admin_execute(server, f'CREATE DATABASE "{name}" TEMPLATE "{server.template}"')
    yield server.url(name)
    _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_kind(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, secret_key=SECRET)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    renders.renders.clear()  # no PDF kept from another test (and its stand-in renderer)
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # raise_server_exceptions=False: an unhandled error must show up as the 500 a user sees.
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def uow(app: FastAPI) -> UnitOfWork:
    return UnitOfWork(app.state.session_factory)


@cache
def cached_hash(password: str) -> str:
    """argon2 is slow on purpose; hash each test password once per session."""
    return hash_password(password)


@dataclass
class Person:
    user_id: int
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """alder clinic: alice (admin), bob (clinician), patients pat (with login) and quinn;
    birch clinic: charlie (admin) and patient rory; sol: a personal (self-registered) user."""

    alder_id: int
    birch_id: int
    people: dict[str, Person] = field(default_factory=dict)
    patients: dict[str, int] = field(default_factory=dict)
    treatments: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Person:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def _person(uow: UnitOfWork, world: World, name: str, role: Role, clinic_id: int | None) -> User:
    password = f"{name}-password-1"
    user = User(
        email=f"{name}@example.org",
        password_hash=cached_hash(password),
        role=role,
        clinic_id=clinic_id,
        display_name=name.title(),
    )
    uow.session.add(user)
    uow.flush()
    raw, digest = new_token()
    uow.session.add(ApiToken(user_id=user.id, token_hash=digest, name="test"))
    world.people[name] = Person(user.id, user.email, password, raw)
    return user


def _patient(
    uow: UnitOfWork,
    world: World,
    name: str,
    clinic_id: int | None,
    user: User | None,
    treated_days_ago: int = 5,
) -> None:
    patient = Patient(
        clinic_id=clinic_id,
        user_id=user.id if user else None,
        display_name=f"{name.title()} Patient",
        email=f"{name}@example.org",
        fitzpatrick=3,
        acne_prone=False,
        history=[],
    )
    uow.session.add(patient)
    uow.flush()
    world.patients[name] = patient.id
    treatment = Treatment(
        patient_id=patient.id,
        treatment_date=date.today() - timedelta(days=treated_days_ago),
        depth_mm=1.0,
        device=Device.PEN,
        areas=["face"],
        fitzpatrick=3,
    )
    uow.session.add(treatment)
    uow.flush()
    world.treatments[name] = treatment.id


@pytest.fixture
def world(uow: UnitOfWork) -> World:
    with uow:
        alder, birch = Clinic(name="Alder Clinic"), Clinic(name="Birch Clinic")
        uow.session.add_all([alder, birch])
        uow.flush()
        w = World(alder_id=alder.id, birch_id=birch.id)
        _person(uow, w, "alice", Role.ADMIN, alder.id)
        _person(uow, w, "bob", Role.CLINICIAN, alder.id)
        _person(uow, w, "charlie", Role.ADMIN, birch.id)
        _patient(uow, w, "pat", alder.id, _person(uow, w, "pat", Role.PATIENT, alder.id))
        _patient(uow, w, "quinn", alder.id, None)
        _patient(uow, w, "rory", birch.id, None)
        _patient(uow, w, "sol", None, _person(uow, w, "sol", Role.PATIENT, None))
        uow.commit()
    return w
