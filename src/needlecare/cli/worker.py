"""CLI: needlecare worker [--once] [--poll-interval S]."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from needlecare.cli.root import app, settings_or_exit

if TYPE_CHECKING:
    from needlecare.config import Settings
    from needlecare.jobs.worker import BackgroundWorker


@app.command()
def worker(
    once: bool = typer.Option(False, "--once", help="Run one pass and exit (for cron or tests)"),
    poll_interval: float | None = typer.Option(
        None,
        min=0.05,
        max=3600,
        help="Seconds between passes (default NEEDLECARE_WORKER_POLL_S or 30)",
    ),
) -> None:
    """Send reminders, report missed check-ins and deliver queued email (see docs/jobs.md)."""
    import dataclasses
    import logging.config
    import threading

    from sqlalchemy.exc import OperationalError, ProgrammingError

    from needlecare.jobs.settings import jobs_settings as jobs_view
    from needlecare.jobs.worker import Worker
    from needlecare.storage.engine import make_engine, make_session_factory
    from needlecare.web.telemetry import logging_config

    settings = settings_or_exit()
    if not logging.getLogger().handlers:  # as logging.basicConfig: never over a host's set-up
        logging.config.dictConfig(logging_config(settings.log_level))
    jobs_settings = jobs_view(settings)
    if poll_interval is not None:
        jobs_settings = dataclasses.replace(jobs_settings, poll_interval_s=poll_interval)
    if jobs_settings.smtp is None:
        typer.echo("note: NEEDLECARE_SMTP_URL is not set; email stays queued", err=True)
    engine = make_engine(settings.database_url, pool_size=2)
    runner = Worker(make_session_factory(engine), jobs_settings)
    try:
        if once:
            typer.echo(runner.run_once().summary())
            return
        stop = threading.Event()
        try:
            runner.run(stop)
        except KeyboardInterrupt:
            stop.set()
    except (OperationalError, ProgrammingError) as exc:
        typer.echo(
            f"error: the database is not ready ({exc.orig.__class__.__name__}); "
            "run `needlecare db upgrade` first",
            err=True,
        )
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def start_in_serve(settings: Settings) -> BackgroundWorker:
    """Start the worker as a daemon thread of `needlecare serve`; stopped at exit."""
    import atexit

    from needlecare.jobs.settings import jobs_settings as jobs_view
    from needlecare.jobs.worker import Worker, start_background
    from needlecare.storage.engine import make_engine, make_session_factory

    jobs_settings = jobs_view(settings)
    engine = make_engine(settings.database_url, pool_size=2)
    background = start_background(
        Worker(make_session_factory(engine), jobs_settings), cleanup=engine.dispose
    )
    atexit.register(background.stop, 10.0)
    state = "on" if jobs_settings.smtp else "on (NEEDLECARE_SMTP_URL unset: email stays queued)"
    typer.echo(f"background worker {state}; --no-worker to run it apart (`needlecare worker`)")
    return background
