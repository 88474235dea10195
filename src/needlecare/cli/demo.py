"""CLI: needlecare demo seed --clinics N --patients N --days N [--seed S]."""

from __future__ import annotations

import time

import typer

from needlecare.cli.root import app, settings_or_exit

demo_app = typer.Typer(help="Demo data: a database like several busy clinics (issue 20).")
app.add_typer(demo_app, name="demo")


@demo_app.command("seed")
def seed(
    clinics: int = typer.Option(4, min=1, max=100, help="Clinics to add"),
    patients: int = typer.Option(1000, min=1, max=1_000_000, help="Patients in all"),
    days: int = typer.Option(1095, min=1, max=3650, help="How far back treatments go"),
    seed: int = typer.Option(20, help="Random seed: the same arguments give the same data"),
) -> None:
    """Add clinics with staff, patients, treatments and triaged check-ins to the database
    (NEEDLECARE_DATABASE_URL), migrated to head first."""
    from needlecare.demo_scale import PASSWORD, ScaleSpec, seed_scale
    from needlecare.storage.engine import make_engine, make_session_factory
    from needlecare.storage.migrate import upgrade

    settings = settings_or_exit()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url, pooled=False)
    started = time.perf_counter()
    try:
        report = seed_scale(
            make_session_factory(engine),
            ScaleSpec(clinics=clinics, patients=patients, days=days, seed=seed),
            lambda line: typer.echo(line, err=True),
        )
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    typer.echo(
        f"Seeded in {seconds:.0f} s: " + ", ".join(f"{k} {v}" for k, v in report.rows.items())
    )
    typer.echo(
        "Check-ins by triage level: "
        + ", ".join(f"{k} {v}" for k, v in sorted(report.levels.items()))
    )
    typer.echo(f"Staff logins (password {PASSWORD}): " + ", ".join(report.staff))
