"""Demo seed, settings, and the `db upgrade` command."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from needlecare.cli import app as cli_app
from needlecare.config import SECRET_KEY_FILE, ConfigError, load_settings
from needlecare.demo import ADMIN, CLINICIAN, PATIENT, seed
from needlecare.services import auth
from needlecare.storage.models import Checkin, Clinic
from needlecare.storage.uow import UnitOfWork


def test_demo_seeds_once_with_every_triage_level(uow: UnitOfWork) -> None:
    first = seed(uow)
    assert first.created
    assert set(first.levels) == {"expected", "monitor", "contact_clinic", "urgent"}
    assert all(count > 0 for count in first.levels.values()), first.levels
    second = seed(uow)
    assert not second.created
    assert second.levels == first.levels
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Clinic)) == 1
        assert uow.session.scalar(select(func.count()).select_from(Checkin)) == sum(
            first.levels.values()
        )
    for email, password in (ADMIN, CLINICIAN, PATIENT):
        assert auth.authenticate(uow, email, password).email == email


def test_settings_default_to_sqlite_in_the_data_dir_with_a_private_key(tmp_path: Path) -> None:
    env = {"NEEDLECARE_DATA_DIR": str(tmp_path / "data")}
    settings = load_settings(env)
    key_file = tmp_path / "data" / SECRET_KEY_FILE
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'needlecare.db'}"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(env).secret_key == settings.secret_key  # kept, not regenerated


def test_settings_from_the_environment_win(tmp_path: Path) -> None:
    env = {
        "NEEDLECARE_DATA_DIR": str(tmp_path),
        "NEEDLECARE_SECRET_KEY": "s" * 40,
        "NEEDLECARE_DATABASE_URL": "postgresql+psycopg://u@db/needlecare",
        "NEEDLECARE_SECURE_COOKIES": "yes",
    }
    settings = load_settings(env)
    assert (settings.secret_key, settings.secure_cookies) == ("s" * 40, True)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert not (tmp_path / SECRET_KEY_FILE).exists()


@pytest.mark.parametrize(
    "env",
    [
        {"NEEDLECARE_DATABASE_URL": "mysql://x"},
        {"NEEDLECARE_SECRET_KEY": "short"},
        {"NEEDLECARE_SECURE_COOKIES": "maybe"},
    ],
)
def test_bad_settings_are_refused_clearly(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_settings({"NEEDLECARE_DATA_DIR": str(tmp_path), **env})


def test_db_upgrade_command_creates_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEEDLECARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NEEDLECARE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli_app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at head" in result.output
    assert os.path.getsize(tmp_path / "needlecare.db") > 0
