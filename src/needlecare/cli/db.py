"""CLI: needlecare db upgrade."""

from __future__ import annotations

import typer

from needlecare.cli.root import app, settings_or_exit

db_app = typer.Typer(
    help="Database schema (Alembic migrations shipped in the package).", no_args_is_help=True
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply the migrations to NEEDLECARE_DATABASE_URL (idempotent)."""
    from needlecare.storage.migrate import upgrade as run_upgrade

    settings = settings_or_exit()
    run_upgrade(settings.database_url, revision)
    typer.echo(f"database at {revision}: {_redact(settings.database_url)}")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
