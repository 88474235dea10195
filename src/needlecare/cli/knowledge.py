"""CLI: needlecare knowledge check (every knowledge and protocol file; runs in CI)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from needlecare.cli.root import app

if TYPE_CHECKING:
    from needlecare.guide.check import DataFile, Report

knowledge_app = typer.Typer(help="Packaged clinical knowledge.", no_args_is_help=True)
app.add_typer(knowledge_app, name="knowledge")


@knowledge_app.command("check")
def check_command(
    protocol: Annotated[
        list[Path] | None,
        typer.Option("--protocol", help="Also validate this clinic protocol file (repeatable)."),
    ] = None,
    data_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--data-dir",
            help="Check the data files under this directory instead of the package's (repeatable).",
        ),
    ] = None,
) -> None:
    """Schemas, citations and consistency of every data file; exit 1 listing each problem."""
    from dataclasses import replace

    from needlecare.guide.check import check, discover, package_files

    files: list[DataFile] = []
    for folder in data_dir or []:
        if not folder.is_dir():
            typer.echo(f"error: {folder} is not a directory", err=True)
            raise typer.Exit(1)
        files += [replace(f, name=f"{folder}/{f.name}") for f in discover(folder)]
    if not data_dir:
        files = package_files()
    protocols = [_protocol_file(path) for path in protocol or []]
    report = check(files, protocols)
    if not data_dir:
        _check_translations(report)
    if report.ok:
        typer.echo(
            f"knowledge check: {len(report.files)} files, {report.citations} citations, no problems"
        )
        return
    for problem in report.problems:
        typer.echo(str(problem))
    typer.echo(f"knowledge check: {len(report.problems)} problem(s) in {len(report.files)} files")
    raise typer.Exit(1)


def _check_translations(report: Report) -> None:
    """Shipped languages: every message translated, same placeholders, glossary wording."""
    from needlecare.guide.check import Problem
    from needlecare.translation import check_locales

    report.problems += [Problem(file, message) for file, message in check_locales()]


def _protocol_file(path: Path) -> DataFile:
    from importlib import resources

    from needlecare.guide.check import DataFile

    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        typer.echo(f"error: cannot read {path}: {error}", err=True)
        raise typer.Exit(1) from error
    schema = resources.files("needlecare.guide").joinpath("data", "protocols.schema.json")
    return DataFile(str(path), text, None, schema.name, schema.read_text("utf-8"))
