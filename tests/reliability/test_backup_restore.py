"""`needlecare backup` / `needlecare restore` round-trip a populated database and its photos,
and the migrations bring a 0001 database with data in it to head without loss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from needlecare.cli import app as cli_app
from needlecare.config import Settings
from needlecare.storage import backup
from needlecare.storage.migrate import alembic_config, upgrade
from needlecare.storage.models import Clinic, User
from needlecare.storage.uow import UnitOfWork

TABLES = ("clinic", "user_account", "patient", "treatment", "api_token")


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in TABLES
            }
    finally:
        engine.dispose()


def test_backup_and_restore_round_trip(
    settings: Settings, world: Any, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = settings.data_dir / "photos" / "ab" / ("ab" + "0" * 62 + ".jpg")
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    before = _counts(settings.database_url)
    assert before["patient"] == 4
    monkeypatch.setenv("NEEDLECARE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NEEDLECARE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("NEEDLECARE_SECRET_KEY", settings.secret_key)
    archive = settings.data_dir / "out" / "b.tar"
    runner = CliRunner()
    result = runner.invoke(cli_app, ["backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    assert "1 photo files" in result.output

    # Damage everything the backup holds, then restore.
    with uow:
        uow.session.add(Clinic(name="Added after the backup"))
        uow.session.execute(text("DELETE FROM api_token"))
        uow.commit()
    photo.unlink()
    assert _counts(settings.database_url) != before

    result = runner.invoke(cli_app, ["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _counts(settings.database_url) == before
    assert photo.read_bytes() == b"\xff\xd8 not really a jpeg"
    with uow.reading():
        assert uow.session.scalar(select(func.count()).select_from(User)) == 5
        assert uow.session.scalar(select(Clinic.name).where(Clinic.id == world.birch_id)) == (
            "Birch Clinic"
        )


def test_restore_refuses_a_file_that_is_not_a_backup(settings: Settings, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(backup.BackupError, match="not a NeedleCare backup"):
        backup.restore(settings.database_url, settings.data_dir, junk)


def test_migrations_upgrade_a_0001_database_with_data_without_loss(database_url: str) -> None:
    """Go back to the first migration, write rows with 0001's columns, upgrade to head."""
    command.downgrade(alembic_config(database_url), "0001")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO clinic (id, name, created_at) VALUES (7, 'Old', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO user_account (email, password_hash, role, clinic_id, display_name,"
                    " is_active, created_at) VALUES ('old@example.org', 'h', 'admin', 7, 'Old',"
                    " TRUE, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(database_url)
        with engine.connect() as connection:
            clinics = connection.execute(text("SELECT id, name FROM clinic")).all()
            users = connection.execute(text("SELECT email, clinic_id FROM user_account")).all()
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            failures = connection.execute(text("SELECT count(*) FROM login_failure")).scalar()
    finally:
        engine.dispose()
    assert [tuple(r) for r in clinics] == [(7, "Old")]
    assert [tuple(r) for r in users] == [("old@example.org", 7)]
    assert failures == 0
    script = ScriptDirectory.from_config(alembic_config(database_url))
    assert version == script.get_current_head()
