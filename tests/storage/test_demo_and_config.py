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


def _environ(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    """Exactly these NEEDLECARE_* variables (the test process may carry others)."""
    for name in [n for n in os.environ if n.startswith("NEEDLECARE_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(f"NEEDLECARE_{name}", value)


def test_settings_default_to_sqlite_in_the_data_dir_with_a_private_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _environ(monkeypatch, DATA_DIR=str(tmp_path / "data"))
    settings = load_settings()
    key_file = tmp_path / "data" / SECRET_KEY_FILE
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'needlecare.db'}"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings().secret_key == settings.secret_key  # kept, not regenerated
    assert settings.secret_key not in repr(settings)
    assert (settings.worker_poll_s, settings.smtp, settings.log_level) == (30.0, None, "INFO")


def test_settings_from_the_environment_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _environ(
        monkeypatch,
        DATA_DIR=str(tmp_path),
        SECRET_KEY="s" * 40,
        DATABASE_URL="postgresql+psycopg://u@db/needlecare",
        SECURE_COOKIES="yes",
        TRUSTED_PROXIES="10.0.0.1, 10.1.0.0/16",
        SMTP_URL="smtp://u:pw@mail.example.org?starttls=1",
        WORKER_POLL_S="2.5",
        LOG_LEVEL="debug",
        METRICS_TOKEN="t" * 20,
    )
    settings = load_settings()
    assert (settings.secret_key, settings.secure_cookies) == ("s" * 40, True)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.trusted_proxies == ("10.0.0.1", "10.1.0.0/16")
    assert settings.smtp is not None and (settings.smtp.port, settings.smtp.starttls) == (587, True)
    assert (settings.worker_poll_s, settings.log_level) == (2.5, "DEBUG")
    assert "pw" not in repr(settings) and "t" * 20 not in repr(settings)
    assert not (tmp_path / SECRET_KEY_FILE).exists()


def test_an_empty_variable_counts_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _environ(monkeypatch, DATA_DIR=str(tmp_path), DATABASE_URL="", WORKER_POLL_S="", SMTP_URL="")
    settings = load_settings()
    assert settings.is_sqlite and settings.worker_poll_s == 30.0 and settings.smtp is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://x"}, "NEEDLECARE_DATABASE_URL must be a sqlite"),
        ({"SECRET_KEY": "short"}, "NEEDLECARE_SECRET_KEY must be at least 32"),
        ({"SECURE_COOKIES": "maybe"}, "NEEDLECARE_SECURE_COOKIES: .*boolean"),
        ({"WORKER_POLL_S": "soon"}, "NEEDLECARE_WORKER_POLL_S: .*number"),
        ({"WORKER_POLL_S": "0"}, "NEEDLECARE_WORKER_POLL_S: .*greater than or equal to 0.05"),
        ({"MAIL_FROM": "not an address"}, "NEEDLECARE_MAIL_FROM: must be an email address"),
        ({"BASE_URL": "care.example.org"}, "NEEDLECARE_BASE_URL: must be an http"),
        ({"SMTP_URL": "http://mail.example.org"}, "NEEDLECARE_SMTP_URL must start with smtp"),
        ({"LOG_LEVEL": "loud"}, "NEEDLECARE_LOG_LEVEL"),
    ],
)
def test_bad_settings_are_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    _environ(monkeypatch, DATA_DIR=str(tmp_path), **env)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings()
    assert "Traceback" not in str(caught.value) and "pydantic" not in str(caught.value)


@pytest.mark.parametrize(
    "command",
    [
        ["db", "upgrade"],
        ["demo", "seed", "--patients", "1"],
        ["export", "--patient", "1", "--format", "json", "--output", "-"],
        ["clinic", "create", "--name", "Alder", "--admin-email", "a@example.org"],
    ],
)
def test_commands_refuse_bad_settings_with_exit_2_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    _environ(monkeypatch, DATA_DIR=str(tmp_path), LOG_LEVEL="loud")
    result = CliRunner().invoke(cli_app, command)
    assert result.exit_code == 2, result.output
    assert "error: NEEDLECARE_LOG_LEVEL" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_postgresql_url_without_the_driver_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "psycopg" else real_find_spec(name, *a),
    )
    _environ(monkeypatch, DATA_DIR=str(tmp_path), DATABASE_URL="postgresql+psycopg://u@db/x")
    with pytest.raises(ConfigError, match=r"needlecare\[postgresql\]"):
        load_settings()


def test_db_upgrade_command_creates_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEEDLECARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NEEDLECARE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli_app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at head" in result.output
    assert os.path.getsize(tmp_path / "needlecare.db") > 0
