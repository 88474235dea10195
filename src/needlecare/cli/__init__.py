"""Command-line entry point: `needlecare COMMAND`."""

from needlecare.cli import db, export, guide, ingredients, knowledge, photo, serve, timeline, triage, worker  # noqa: F401  (register commands)
from needlecare.cli.app import app


def main() -> None:
    app()
