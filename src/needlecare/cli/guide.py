"""CLI: needlecare guide sheet | page | search (the aftercare guide)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from needlecare.cli.root import EXIT_BAD_INPUT, app

guide_app = typer.Typer(
    help="Aftercare guide: personal sheet, education pages, search.", no_args_is_help=True
)
app.add_typer(guide_app, name="guide")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _read_protocol(path: Path | None):  # type: ignore[no-untyped-def]
    from needlecare.guide import ProtocolInvalid, protocol_from_text

    if path is None:
        return None
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(f"cannot read protocol {path}: {error}") from error
    try:
        return protocol_from_text(text, path.suffix)
    except ProtocolInvalid as error:
        lines = "\n".join(f"  {e}" for e in error.errors)
        raise _fail(f"protocol {path} is not valid:\n{lines}") from error


@guide_app.command("sheet")
def sheet_command(
    date_: Annotated[str, typer.Option("--date", help="Treatment date, YYYY-MM-DD.")],
    depth: Annotated[float, typer.Option("--depth", help="Needle depth in mm.")],
    device: Annotated[str, typer.Option("--device", help="pen, roller, stamp or rf.")] = "pen",
    fitzpatrick: Annotated[
        int | None, typer.Option("--fitzpatrick", help="Fitzpatrick skin type 1-6.")
    ] = None,
    protocol: Annotated[
        Path | None, typer.Option("--protocol", help="A clinic protocol file (TOML or JSON).")
    ] = None,
    locale: Annotated[
        str, typer.Option("--lang", "--locale", help="Language of the sheet (en, es).")
    ] = "en",
    tz: Annotated[
        str | None, typer.Option("--tz", help="Time zone that decides 'today', e.g. Europe/London.")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Override today's date, YYYY-MM-DD.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sheet as JSON.")] = False,
) -> None:
    """Print a personal aftercare sheet with the dates filled in."""
    from needlecare.guide import build_aftercare_sheet
    from needlecare.guide.text import render_sheet_text

    try:
        treatment = date.fromisoformat(date_)
        current = date.fromisoformat(today) if today else None
    except ValueError as error:
        raise _fail(f"dates must be YYYY-MM-DD: {error}") from error
    clinic = _read_protocol(protocol)
    try:
        sheet = build_aftercare_sheet(
            treatment, depth, device, fitzpatrick, clinic, locale, tz, today=current
        )
    except ValueError as error:
        raise _fail(str(error)) from error
    if as_json:
        typer.echo(json.dumps(sheet.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_sheet_text(sheet), nl=False)


@guide_app.command("page")
def page_command(
    slug: Annotated[str, typer.Argument(help="Page slug, or `list` to list the pages.")],
    locale: Annotated[str, typer.Option("--locale")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print the page as JSON.")] = False,
) -> None:
    """Print one education page (or `list` for every page)."""
    from dataclasses import asdict

    from needlecare.guide import PageNotFound, page, pages
    from needlecare.guide.text import render_page_text

    try:
        if slug == "list":
            for item in pages(locale):
                typer.echo(f"{item.slug}\t{item.title}")
            return
        found = page(slug, locale)
    except (PageNotFound, ValueError) as error:
        raise _fail(str(error.args[0])) from error
    if as_json:
        typer.echo(json.dumps(asdict(found), ensure_ascii=False, indent=2, default=_plain))
    else:
        typer.echo(render_page_text(found, locale), nl=False)


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


@guide_app.command("search")
def search_command(
    query: Annotated[list[str], typer.Argument(help="Words to look for.")],
    locale: Annotated[str, typer.Option("--locale")] = "en",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the education pages (exit 1 when nothing matches)."""
    from dataclasses import asdict

    from needlecare.guide import search
    from needlecare.guide.text import render_hits_text

    try:
        hits = search(" ".join(query), locale)
    except ValueError as error:
        raise _fail(str(error)) from error
    if as_json:
        typer.echo(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2))
    else:
        typer.echo(render_hits_text(hits) or "no match", nl=not hits)
    if not hits:
        raise typer.Exit(1)
