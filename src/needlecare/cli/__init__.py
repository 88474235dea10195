"""Command-line entry point: `needlecare COMMAND`."""

from needlecare.cli import ingredients, photo, timeline, triage  # noqa: F401  (register commands)
from needlecare.cli.app import app


def main() -> None:
    app()
