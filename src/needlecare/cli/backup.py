"""CLI: needlecare backup [-o FILE] and needlecare restore FILE."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from needlecare.cli.root import app


@app.command()
def backup(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Archive to write (default: DATA_DIR/backups/)"),
    ] = None,
) -> None:
    """Back up the database and the photos while the app runs (SQLite online backup or
    pg_dump -Fc)."""
    from needlecare.config import ConfigError, load_settings
    from needlecare.storage.backup import BackupError
    from needlecare.storage.backup import backup as run_backup

    try:
        settings = load_settings()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = output or settings.data_dir / "backups" / f"needlecare-{stamp}.tar"
        info = run_backup(settings.database_url, settings.data_dir, target)
    except (ConfigError, BackupError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"backup written: {info.path} ({info.engine}, revision {info.revision}, "
        f"{info.photos} photo files)"
    )


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="A file written by `needlecare backup`")],
    yes: bool = typer.Option(False, "--yes", help="Do not ask before replacing the data"),
) -> None:
    """Replace the database and the photos with a backup. Stop the app and workers first."""
    from needlecare.config import ConfigError, load_settings
    from needlecare.storage.backup import BackupError
    from needlecare.storage.backup import restore as run_restore

    if not archive.is_file():
        typer.echo(f"error: {archive} does not exist", err=True)
        raise typer.Exit(2)
    if not yes:
        typer.confirm("This replaces the current database and photos. Continue?", abort=True)
    try:
        settings = load_settings()
        info = run_restore(settings.database_url, settings.data_dir, archive)
    except (ConfigError, BackupError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"restored {archive} ({info.engine}, revision {info.revision}, "
        f"{info.photos} photo files); run `needlecare db upgrade` if the app is newer"
    )
