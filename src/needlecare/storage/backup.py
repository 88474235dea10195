"""Backup and restore: the database plus the photos directory, in one .tar archive.

Archive members:
  manifest.json      engine, Alembic revision, creation time, NeedleCare version
  database.sqlite    SQLite: a consistent copy made with the online backup API (the app may run)
  database.pgdump    PostgreSQL: `pg_dump -Fc` (one consistent snapshot; the app may run)
  photos/...         the data dir's photos/ (content-addressed files; safe to copy live)

Restore replaces the database and the photos directory. Stop the app servers and workers first
(docs/operations.md). PostgreSQL tools come from the server's major version (PG_BIN_DIRS).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from needlecare.storage.pgcluster import PG_BIN_DIRS

PHOTO_DIR = "photos"
SQLITE_MEMBER = "database.sqlite"
PG_MEMBER = "database.pgdump"
FORMAT = 1


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why in plain words."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    engine: str
    revision: str | None
    photos: int


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _revision(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table yet: an empty database
        return None
    finally:
        engine.dispose()


def _pg_tool(name: str) -> str:
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes in the environment."""
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432)]
    if url.username:
        args += ["-U", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.decode()[-1500:]}")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size = len(data)
    member.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(member, io.BytesIO(data))


def backup(database_url: str, data_dir: Path, output: Path) -> BackupInfo:
    """Write a consistent backup of the database and photos to `output` (a .tar file)."""
    url = make_url(database_url)
    engine_name = "sqlite" if url.drivername.startswith("sqlite") else "postgresql"
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="needlecare-backup-") as scratch:
        if engine_name == "sqlite":
            dump = Path(scratch) / SQLITE_MEMBER
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(dump)
            try:
                source.backup(target)  # online backup: consistent even while the app writes
            finally:
                target.close()
                source.close()
        else:
            dump = Path(scratch) / PG_MEMBER
            args, env = _pg_args(url)
            _run([_pg_tool("pg_dump"), "-Fc", *args, "-f", str(dump), str(url.database)], env)
        revision = _revision(database_url)
        photos_dir = data_dir / PHOTO_DIR
        photo_files = (
            sorted(p for p in photos_dir.rglob("*") if p.is_file()) if photos_dir.is_dir() else []
        )
        manifest = {
            "format": FORMAT,
            "engine": engine_name,
            "revision": revision,
            "created_at": datetime.now(UTC).isoformat(),
            "photos": len(photo_files),
        }
        partial = output.with_name(output.name + ".partial")
        # A backup holds every patient's data: owner only, whatever the umask.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            for path in photo_files:
                archive.add(path, arcname=f"{PHOTO_DIR}/{path.relative_to(photos_dir)}")
        os.replace(partial, output)  # never leave a half-written backup under the final name
    return BackupInfo(output, engine_name, revision, len(photo_files))


def read_manifest(archive_path: Path) -> dict[str, object]:
    try:
        with tarfile.open(archive_path, "r") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest: dict[str, object] = json.loads(member.read())
            return manifest
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive_path} is not a NeedleCare backup: {exc}") from None


def restore(database_url: str, data_dir: Path, archive_path: Path) -> BackupInfo:
    """Replace the database and the photos directory with the backup's."""
    manifest = read_manifest(archive_path)
    url = make_url(database_url)
    engine_name = "sqlite" if url.drivername.startswith("sqlite") else "postgresql"
    if manifest.get("engine") != engine_name:
        raise BackupError(
            f"this backup is of a {manifest.get('engine')} database; "
            f"NEEDLECARE_DATABASE_URL is {engine_name}"
        )
    with tempfile.TemporaryDirectory(prefix="needlecare-restore-") as scratch:
        with tarfile.open(archive_path, "r") as archive:
            # The "data" filter refuses absolute paths, '..', links out and device files.
            archive.extractall(scratch, filter="data")
        _restore_database(url, Path(scratch))
        photos = _restore_photos(Path(scratch) / PHOTO_DIR, data_dir / PHOTO_DIR)
    return BackupInfo(archive_path, engine_name, _revision(database_url), photos)


def _restore_database(url: URL, scratch: Path) -> None:
    if url.drivername.startswith("sqlite"):
        source = sqlite3.connect(scratch / SQLITE_MEMBER)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            source.backup(target)  # page-by-page copy into the live file, under its lock
        finally:
            target.close()
            source.close()
        return
    args, env = _pg_args(url)
    _run(
        [
            _pg_tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            str(url.database),
            str(scratch / PG_MEMBER),
        ],
        env,
    )


def _restore_photos(source: Path, target: Path) -> int:
    if target.exists():
        shutil.rmtree(target)
    if not source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.copytree(source, target)
    return sum(1 for p in target.rglob("*") if p.is_file())
