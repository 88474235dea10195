"""Command-line entry point: `needlecare COMMAND`."""

from needlecare.cli import (  # noqa: F401  (register commands)
    backup,
    db,
    export,
    guide,
    ingredients,
    knowledge,
    photo,
    serve,
    timeline,
    triage,
    worker,
)
from needlecare.cli.app import app


def main() -> None:
    app()
