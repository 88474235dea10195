"""Every command, registered on the root Typer app (importing this module loads them all)."""

from needlecare.cli import (  # noqa: F401  (importing a command module registers it)
    backup,
    clinic,
    db,
    demo,
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
from needlecare.cli.root import app

__all__ = ["app"]
