"""CLI: needlecare export --patient ID --format pdf|csv|json|fhir -o FILE
(or --clinic ID --format csv|json). For the server operator: reads the database directly,
audited as the system."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from needlecare.cli.root import EXIT_BAD_INPUT, app, settings_or_exit


@app.command()
def export(
    patient: int | None = typer.Option(None, "--patient", min=1, help="Patient ID"),
    clinic: int | None = typer.Option(None, "--clinic", min=1, help="Clinic ID (csv or json)"),
    fmt: str = typer.Option(..., "--format", "-f", help="pdf, csv, json or fhir"),
    output: str = typer.Option(..., "--output", "-o", help="File to write; - for stdout"),
    table: str = typer.Option(
        "checkins", help="CSV only: patients, treatments, checkins, alerts or notes"
    ),
) -> None:
    """Write a patient's report/export, or a clinic's export, to a file (audited)."""
    from needlecare.services import exports
    from needlecare.services.errors import ServiceError
    from needlecare.storage.engine import make_engine, make_session_factory
    from needlecare.storage.uow import UnitOfWork

    if (patient is None) == (clinic is None):
        typer.echo("error: give exactly one of --patient ID or --clinic ID", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    settings = settings_or_exit()
    engine = make_engine(settings.database_url, pooled=False)
    uow = UnitOfWork(make_session_factory(engine))
    try:
        if patient is not None:
            file = exports.operator_patient_export(
                uow, patient, fmt, table=table, data_dir=settings.data_dir
            )
        else:
            assert clinic is not None
            file = exports.operator_clinic_export(uow, clinic, fmt, table=table)
    except ServiceError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1 if exc.status == 404 else EXIT_BAD_INPUT) from None
    finally:
        engine.dispose()
    if output == "-":
        sys.stdout.buffer.write(file.content)
        return
    try:
        Path(output).write_bytes(file.content)
    except OSError as exc:
        typer.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {output} ({len(file.content)} bytes, {file.media_type})", err=True)
