from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from needlecare.config import load_settings
from needlecare.storage.migrate import upgrade
from needlecare.web.app import create_app
from page_session import page_login

from .seed import PASSWORD, World, seed_world

DB_FILE = "needlecare.db"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """Migrate and seed once (argon2 hashing is slow on purpose); tests get a copy."""
    data_dir = tmp_path_factory.mktemp("seeded")
    settings = load_settings(data_dir=data_dir)
    upgrade(settings.database_url)
    application = create_app(settings)
    world = seed_world(application.state.session_factory)
    application.state.engine.dispose()
    return data_dir, world


def _copy_database(source_dir: Path, target_dir: Path) -> None:
    # The backup API copies a consistent database whatever is still in the WAL file.
    with (
        sqlite3.connect(source_dir / DB_FILE) as source,
        sqlite3.connect(target_dir / DB_FILE) as target,
    ):
        source.backup(target)
    shutil.copy(source_dir / "secret_key", target_dir / "secret_key")


@pytest.fixture
def app(tmp_path: Path, seeded: tuple[Path, World]) -> Iterator[FastAPI]:
    _copy_database(seeded[0], tmp_path)
    settings = load_settings(data_dir=tmp_path)
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def world(seeded: tuple[Path, World]) -> World:
    return seeded[1]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, email: str) -> None:
    """Start a session for `email` the way a successful login does (`page_login`)."""
    page_login(client, email)


def real_login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


def post_form(client: TestClient, page: str, action: str, data: dict[str, object]) -> object:
    """GET `page` for a fresh CSRF token, then POST `data` to `action` like a browser."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token})
