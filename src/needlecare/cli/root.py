"""The root Typer application; command modules attach their commands to it.

Command modules import heavy dependencies inside their functions so that
`needlecare ingredients` starts fast (it is timed as a whole process).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from needlecare.config import Settings

app = typer.Typer(
    name="needlecare",
    help="NeedleCare: recovery companion after microneedling. Informs; never diagnoses.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2


def checked_language(lang: str) -> str:
    """A `--lang` value as a shipped language ('es-MX' -> 'es'); exit 2 for any other."""
    from needlecare.i18n import shipped_locales, supported

    found = supported(lang)
    if found is None:
        typer.echo(
            f"error: --lang must be one of {', '.join(shipped_locales())}, not {lang!r}", err=True
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    return found


def settings_or_exit() -> Settings:
    """The settings from the environment; a bad value prints `error: ...` and exits 2."""
    from needlecare.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _print_version(value: bool) -> None:
    if value:
        import needlecare

        typer.echo(f"needlecare {needlecare.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version"
    ),
) -> None:
    """NeedleCare: recovery companion after microneedling. Informs; never diagnoses."""
    # Every file the server, worker or a backup creates holds health data or secrets:
    # readable by its owner only (0600 files, 0700 directories), whatever the shell's umask.
    os.umask(0o077)
