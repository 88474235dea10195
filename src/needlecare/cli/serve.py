"""CLI: needlecare serve [--host] [--port] [--demo] [--workers]."""

from __future__ import annotations

import os
import tempfile

import typer

from needlecare.cli.root import app, settings_or_exit


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port"),
    demo: bool = typer.Option(False, "--demo", help="Seed a demo clinic once and print logins"),
    workers: int = typer.Option(1, min=1, max=32, help="Worker processes"),
    access_log: bool = typer.Option(True, help="Log one JSON line per request"),
    worker: bool = typer.Option(True, "--worker/--no-worker", help="Run the reminder/email worker"),
) -> None:
    """Run migrations, then serve the web app and the JSON API (/docs)."""
    import uvicorn

    from needlecare.storage.migrate import upgrade
    from needlecare.web.metrics import MULTIPROCESS_ENV
    from needlecare.web.telemetry import logging_config

    settings = settings_or_exit()
    upgrade(settings.database_url)
    url = f"http://{host}:{port}"
    if demo:
        from needlecare.demo import seed_demo

        typer.echo(seed_demo(settings).instructions(url))
    typer.echo(f"NeedleCare on {url}  (API docs: {url}/docs; data: {settings.data_dir})")
    if worker:
        from needlecare.cli.worker import start_in_serve

        start_in_serve(settings)
    # Worker processes read the same settings from the environment (the key file exists now).
    os.environ["NEEDLECARE_DATA_DIR"] = str(settings.data_dir)
    os.environ["NEEDLECARE_DATABASE_URL"] = settings.database_url
    if workers > 1 and not os.environ.get(MULTIPROCESS_ENV):
        # /metrics adds up every worker's samples from files here (web/metrics.py says why);
        # a fresh directory per run, as prometheus-client requires.
        os.environ[MULTIPROCESS_ENV] = tempfile.mkdtemp(prefix="needlecare-metrics-")
    config = uvicorn.Config(
        "needlecare.web.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # replaced by the JSON access line of web.telemetry
        log_config=logging_config(settings.log_level, access_log=access_log),
        proxy_headers=False,
        server_header=False,
    )
    if workers == 1:
        server = uvicorn.Server(config)
        server.run()
        if not server.started:  # as uvicorn.run: the app or the socket failed
            raise typer.Exit(3)
        return
    from needlecare.cli.workers import run_workers

    run_workers(config)  # a listening socket per worker: connections spread evenly
