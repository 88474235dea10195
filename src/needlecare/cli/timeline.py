"""CLI: needlecare timeline --date YYYY-MM-DD --depth MM --device pen [--fitzpatrick N] [--json]."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from needlecare.cli.root import EXIT_BAD_INPUT, app


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _parse_date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{name} must be a date written YYYY-MM-DD, not {value!r}")
        raise  # unreachable: _fail exits


def render_timeline(result: dict[str, Any]) -> str:
    """A readable table: one block per day; what may return is named on the day it returns."""
    treatment = result["treatment"]
    today = result["today"]
    lines = [
        f"Recovery timeline: {treatment['device']} {treatment['depth_mm']:g} mm "
        f"(band {treatment['band']}, {treatment['band_name']}), treated {treatment['date']}"
        + (f", today is day {today}" if today is not None else ""),
        "Informs, never diagnoses. Contact your clinic if anything worries you.",
        "",
        f"{'Day':>3}  {'Date':<10}  {'Phase':<12}  What to expect",
    ]
    previous_avoid: list[str] = []
    for day in result["days"]:
        marker = "  <- today" if day["day"] == today else ""
        first, *rest = day["expected"]
        lines.append(f"{day['day']:>3}  {day['date']:<10}  {day['phase']:<12}  {first}{marker}")
        lines.extend(f"{'':31}{item}" for item in rest)
        if day["day"] == 0:
            lines.extend(f"{'':31}avoid: {item}" for item in day["avoid"])
        else:
            returned = [item for item in previous_avoid if item not in day["avoid"]]
            lines.extend(f"{'':31}no longer avoided: {item}" for item in returned)
        previous_avoid = day["avoid"]
    lines.append("")
    lines.append("Daily care: " + " | ".join(result["days"][1]["care"][:4]))
    return "\n".join(lines)


@app.command()
def timeline(
    treatment_date: Annotated[str, typer.Option("--date", help="Treatment date, YYYY-MM-DD.")],
    depth: Annotated[float, typer.Option("--depth", help="Needle depth in mm.")],
    device: Annotated[str, typer.Option(help="pen, roller, rf or stamp.")] = "pen",
    fitzpatrick: Annotated[int | None, typer.Option(help="Fitzpatrick skin type 1-6.")] = None,
    today: Annotated[str | None, typer.Option(help="Today's date, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
) -> None:
    """Day-by-day recovery timeline (day 0 to 42) after a microneedling treatment."""
    from needlecare.timeline import TimelineInvalid, build_timeline

    when = _parse_date("--date", treatment_date)
    today_date = _parse_date("--today", today) if today is not None else None
    treatment: dict[str, Any] = {"date": when, "depth_mm": depth, "device": device}
    if fitzpatrick is not None:
        treatment["fitzpatrick"] = fitzpatrick
    try:
        result = build_timeline(treatment, today_date)
    except TimelineInvalid as problem:
        for error in problem.errors:
            typer.echo(
                f"error: --{error['field'].replace('_mm', '')}: {error['message']}", err=True
            )
        raise typer.Exit(EXIT_BAD_INPUT) from None
    typer.echo(json.dumps(result, ensure_ascii=False) if as_json else render_timeline(result))
