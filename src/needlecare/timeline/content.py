"""The timeline's content, loaded once from data/timeline.toml and data/windows.toml.

Everything that does not depend on the treatment date is prepared here, per depth band and
per pigment-risk group, so that building a timeline only adds dates (see build.py).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from needlecare.i18n import N_, Text
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window, windows


@dataclass(frozen=True)
class Period:
    until: int | None  # last day of the period; None: runs on without end
    phase: str
    expected: tuple[str, ...]
    cite: tuple[str, ...]


def raw_document() -> dict[str, Any]:
    text = (
        resources.files("needlecare.timeline").joinpath("data", "timeline.toml").read_text("utf-8")
    )
    return tomllib.loads(text)


@cache
def _document() -> dict[str, Any]:
    return raw_document()


def last_listed_day() -> int:
    return int(_document()["last_listed_day"])


@cache
def periods(band: Band) -> tuple[Period, ...]:
    return tuple(
        Period(p.get("until"), p["phase"], tuple(p["expected"]), tuple(p["cite"]))
        for p in _document()["bands"][band.value]["periods"]
    )


def band_name(band: Band) -> str:
    return str(_document()["bands"][band.value]["name"])


def period_for(band: Band, day: int) -> Period:
    for period in periods(band):
        if period.until is None or day <= period.until:
            return period
    return periods(band)[-1]


def phase_for(band: Band, day: int) -> str:
    return period_for(band, day).phase


# The phases' names as shown (`humanize` of the code), for the catalogue.
PHASE_NAMES = (N_("Inflammation"), N_("Recovery"), N_("Remodelling"))


def _condition(window: Window) -> Text | str:
    if not window.condition:
        return ""
    return Text(" ({condition})", condition=Text(window.condition))


def _window_text(window: Window, band: Band) -> str:
    # Text: English here (the JSON contract), translated where a reader sees it.
    return Text(
        "Not before day {day}: {label}{condition}",
        day=window.resume_day(band),
        label=Text(window.label),
        condition=_condition(window),
    )


def _day(
    band: Band, day: int, pigment_risk: bool, in_force: Mapping[str, Window] | None = None
) -> dict[str, Any]:
    """One day's content without its date; the keys of the timeline contract, in order.
    `in_force`: the windows of a clinic protocol (default: windows.toml)."""
    period = period_for(band, day)
    document = _document()
    expected = list(period.expected)
    care: list[str] = []
    sources = list(period.cite)
    for item in document["care"]:
        if item["from"] <= day <= item["until"]:
            care.append(item["text"])
            sources.extend(item["cite"])
    if pigment_risk:
        for item in document["pigment"]:
            if item["from"] <= day <= item["until"]:
                if "care" in item:
                    care.append(item["care"])
                if "expected" in item:
                    expected.append(item["expected"])
                sources.extend(item["cite"])
    avoid = []
    for window in (windows() if in_force is None else in_force).values():
        resume = window.resume_day(band)
        if day < resume:
            avoid.append(_window_text(window, band))
            sources.extend(window.cite)
        elif window.kind == "activity" and day == resume:
            template = (
                N_("Today: {label}{condition}")
                if day == 0
                else N_("Now allowed: {label}{condition}")
            )
            care.append(Text(template, label=Text(window.label), condition=_condition(window)))
            sources.extend(window.cite)
        elif day < window.caution_until(band):
            care.append(
                Text(
                    "Go easy on {label} until day {day}",
                    label=Text(window.label),
                    day=window.caution_until(band),
                )
            )
            sources.extend(window.cite)
    return {
        "phase": period.phase,
        "expected": expected,
        "care": care,
        "avoid": avoid,
        "sources": list(dict.fromkeys(sources)),
    }


@cache
def day_templates(band: Band, pigment_risk: bool) -> tuple[dict[str, Any], ...]:
    """Days 0..last_listed_day of a band in the contract's key order, with an empty date.

    Built once; build_timeline copies each and fills in the date. The lists inside are shared
    between calls, so they must never be mutated.
    """
    return tuple(
        {"day": day, "date": "", **_day(band, day, pigment_risk)}
        for day in range(last_listed_day() + 1)
    )


# Per windows object (protocols.in_force_at shares one mapping per clinic protocol version,
# which nobody changes): the Today page builds a timeline on every view, and building the 43
# days was a fifth of its CPU. The entry keeps its mapping alive, so its id is not reused.
_WINDOWED: dict[tuple[int, Band, bool], tuple[Mapping[str, Window], tuple[dict[str, Any], ...]]]
_WINDOWED = {}
_WINDOWED_SIZE = 256


def windowed_day_templates(
    band: Band, pigment_risk: bool, in_force: Mapping[str, Window]
) -> tuple[dict[str, Any], ...]:
    """day_templates under other windows (a clinic protocol's), shared like day_templates:
    built once per windows mapping, so `in_force` must not change afterwards."""
    key = (id(in_force), band, pigment_risk)
    known = _WINDOWED.get(key)
    if known is not None and known[0] is in_force:
        return known[1]
    templates = tuple(
        {"day": day, "date": "", **_day(band, day, pigment_risk, in_force)}
        for day in range(last_listed_day() + 1)
    )
    if len(_WINDOWED) >= _WINDOWED_SIZE:
        _WINDOWED.clear()
    _WINDOWED[key] = (in_force, templates)
    return templates
