"""Command-line entry point: `needlecare COMMAND`.

`needlecare ingredients` is timed as a whole process (people pipe labels through it), so it is
dispatched before the other commands, and their imports, are loaded.
"""

import sys
from typing import Any


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["ingredients"]:
        from needlecare.cli.ingredients_run import main_fast

        raise SystemExit(main_fast(arguments[1:]))
    from needlecare.cli.commands import app

    app()


def __getattr__(name: str) -> Any:
    # `from needlecare.cli import app` gives the app with every command registered.
    if name == "app":
        from needlecare.cli.commands import app

        return app
    raise AttributeError(name)
