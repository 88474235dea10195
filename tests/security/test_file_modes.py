"""Issue 18: the data dir, database, secret key, photos and backups are private to their
owner; SQLite commits are durable (synchronous=FULL)."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from needlecare.config import load_settings
from needlecare.services.photo_files import PhotoFiles, image_name
from needlecare.storage.backup import backup
from needlecare.storage.engine import make_engine
from needlecare.storage.migrate import upgrade


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_the_app_creates_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = load_settings(data_dir=data_dir)
    upgrade(settings.database_url)
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "secret_key") == 0o600
    assert _mode(data_dir / "needlecare.db") == 0o600
    files = PhotoFiles(data_dir)
    relative = image_name("ab" * 32)
    files.write(relative, b"jpeg bytes")
    assert _mode(files.path(relative)) == 0o600
    assert _mode(files.path(relative).parent) == 0o700
    archive = backup(settings.database_url, data_dir, tmp_path / "backups" / "b.tar").path
    assert _mode(archive) == 0o600


def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    (data_dir / "needlecare.db").touch(mode=0o644)
    load_settings(data_dir=data_dir)
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "needlecare.db") == 0o600


def test_sqlite_commits_are_synced_before_they_are_acknowledged(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    finally:
        engine.dispose()
