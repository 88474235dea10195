"""CLI: needlecare triage [--json | --jsonl] reads check-ins (JSON) from standard input."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer

from needlecare.cli.root import EXIT_BAD_INPUT, app, checked_language
from needlecare.i18n import N_, Text, localize, translator

LEVEL_HEADINGS = {
    "expected": N_("EXPECTED - this fits the usual course of healing"),
    "monitor": N_("MONITOR - keep an eye on it and check in again"),
    "contact_clinic": N_("CONTACT YOUR CLINIC TODAY"),
    "urgent": N_("URGENT - GET MEDICAL CARE NOW (same day, or call emergency services)"),
}


def render_result(result: dict[str, Any], lang: str = "en") -> str:
    """The result as text; its findings and advice already in `lang` (localize_result)."""
    _ = translator(lang)
    phase = Text(str(result["phase"]).capitalize())  # Inflammation, Recovery, Remodelling
    lines = [
        _(LEVEL_HEADINGS[result["level"]]),
        localize(lang, Text("Healing phase: {phase}", phase=phase)),
        "",
        _("What we noticed:"),
    ]
    lines.extend(f"  - {f['text']} [{f['source']}]" for f in result["findings"])
    lines.append("")
    lines.append(_("What to do:"))
    lines.extend(f"  - {line}" for line in result["advice"])
    lines.append("")
    lines.append(_("NeedleCare informs; it does not diagnose."))
    return "\n".join(lines)


def _error_object(message: str, errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"error": message, "errors": errors}


def _triage_text(
    text: str, today: date, lang: str = "en"
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(result, None) or (None, error object) for one check-in given as JSON text; the
    findings and advice in `lang` (codes, levels and sources stay as they are)."""
    from needlecare.triage import CheckinInvalid, triage_checkin
    from needlecare.triage.localize import localize_result

    try:
        payload = json.loads(text)
    except (ValueError, RecursionError) as problem:
        message = f"not valid JSON: {problem}"
        return None, _error_object(message, [{"field": "(check-in)", "message": message}])
    try:
        result = triage_checkin(payload, today)
        return (result if lang == "en" else localize_result(lang, result)), None
    except CheckinInvalid as problem:
        return None, _error_object("invalid check-in", problem.errors)


@app.command()
def triage(
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One check-in per input line.")] = False,
    today: Annotated[str | None, typer.Option(help="Today's date, YYYY-MM-DD.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the text (en, es).")] = "en",
) -> None:
    """Triage a daily check-in read as JSON from standard input."""
    lang = checked_language(lang)
    if as_json and jsonl:
        typer.echo("error: use --json or --jsonl, not both", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        today_date = date.fromisoformat(today) if today is not None else date.today()
    except ValueError:
        typer.echo(f"error: --today must be a date written YYYY-MM-DD, not {today!r}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        data = sys.stdin.read()
    except UnicodeDecodeError:
        typer.echo("error: standard input is not UTF-8 text", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if jsonl:
        for number, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            result, error = _triage_text(line, today_date, lang)
            if error is not None:
                error["line"] = number
            typer.echo(json.dumps(result if result is not None else error, ensure_ascii=False))
        return
    if not data.strip():
        typer.echo("error: no check-in on standard input (expected one JSON object)", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    result, error = _triage_text(data, today_date, lang)
    if error is not None:
        for item in error["errors"]:
            typer.echo(f"error: {item['field']}: {item['message']}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    assert result is not None
    typer.echo(json.dumps(result, ensure_ascii=False) if as_json else render_result(result, lang))
