"""CLI: needlecare timeline --date YYYY-MM-DD --depth MM --device pen [--fitzpatrick N] [--json]."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from needlecare.cli.root import EXIT_BAD_INPUT, app, checked_language
from needlecare.i18n import N_, Text, format_day, format_number, localize, translator

# The phases' names as the pages show them (timeline/content.py PHASE_NAMES); the JSON keeps
# the codes.
_PHASES = {"inflammation": N_("Inflammation"), "recovery": N_("Recovery"),
           "remodelling": N_("Remodelling")}  # fmt: skip
# A CLDR pattern, itself a message: a translator writes the locale's own order.
# TRANSLATORS: CLDR date pattern of the timeline's date column (y year, MM month, dd day).
_DATE_PATTERN = N_("y-MM-dd")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _parse_date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{name} must be a date written YYYY-MM-DD, not {value!r}")
        raise  # unreachable: _fail exits


def render_timeline(result: dict[str, Any], lang: str = "en") -> str:
    """A readable table: one block per day; what may return is named on the day it returns.
    `result` is already in `lang` (localize_timeline); the headings are translated here."""
    from needlecare.guide.sheet import DEVICE_NAMES  # the device's name as the sheet says it

    treatment = result["treatment"]
    today = result["today"]
    _ = translator(lang)
    day_h, date_h, phase_h, expect_h = _("Day"), _("Date"), _("Phase"), _("What to expect")
    avoid_h, returned_h = _("avoid:"), _("no longer avoided:")

    def day_of(iso: str) -> str:
        return format_day(date.fromisoformat(iso), lang, _(_DATE_PATTERN))

    heading = Text(
        "Recovery timeline: {device} {depth} mm (band {band}, {band_name}), treated {date}",
        device=Text(DEVICE_NAMES.get(treatment["device"], treatment["device"])),
        depth=format_number(treatment["depth_mm"], lang, 2),
        band=treatment["band"],
        band_name=Text(treatment["band_name"]),
        date=day_of(treatment["date"]),
    )
    lines = [
        localize(lang, heading)
        + (localize(lang, Text(", today is day {day}", day=today)) if today is not None else ""),
        _("Informs, never diagnoses. Contact your clinic if anything worries you."),
        "",
        f"{day_h:>3}  {date_h:<10}  {phase_h:<12}  {expect_h}",
    ]
    previous_avoid: list[str] = []
    for day in result["days"]:
        marker = "  " + _("<- today") if day["day"] == today else ""
        first, *rest = day["expected"]
        phase = _(_PHASES.get(day["phase"], day["phase"]))
        lines.append(f"{day['day']:>3}  {day_of(day['date']):<10}  {phase:<12}  {first}{marker}")
        lines.extend(f"{'':31}{item}" for item in rest)
        if day["day"] == 0:
            lines.extend(f"{'':31}{avoid_h} {item}" for item in day["avoid"])
        else:
            returned = [item for item in previous_avoid if item not in day["avoid"]]
            lines.extend(f"{'':31}{returned_h} {item}" for item in returned)
        previous_avoid = day["avoid"]
    lines.append("")
    lines.append(_("Daily care:") + " " + " | ".join(result["days"][1]["care"][:4]))
    return "\n".join(lines)


def localize_timeline(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """The timeline's words in `lang`: each day's lists and the band's name (the JSON keys,
    dates, days and phase codes stay as they are)."""
    if lang == "en":
        return result
    days = [
        {
            **day,
            **{
                key: [localize(lang, item) for item in day[key]]
                for key in ("expected", "care", "avoid")
            },
        }
        for day in result["days"]
    ]
    treatment = {
        **result["treatment"],
        "band_name": localize(lang, result["treatment"]["band_name"]),
    }
    return {**result, "treatment": treatment, "days": days}


@app.command()
def timeline(
    treatment_date: Annotated[str, typer.Option("--date", help="Treatment date, YYYY-MM-DD.")],
    depth: Annotated[float, typer.Option("--depth", help="Needle depth in mm.")],
    device: Annotated[str, typer.Option(help="pen, roller, rf or stamp.")] = "pen",
    fitzpatrick: Annotated[int | None, typer.Option(help="Fitzpatrick skin type 1-6.")] = None,
    today: Annotated[str | None, typer.Option(help="Today's date, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the text (en, es).")] = "en",
) -> None:
    """Day-by-day recovery timeline (day 0 to 42) after a microneedling treatment."""
    lang = checked_language(lang)
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
    result = localize_timeline(result, lang)
    typer.echo(json.dumps(result, ensure_ascii=False) if as_json else render_timeline(result, lang))
