"""build_timeline: the `needlecare timeline --json` contract of issue 4."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from needlecare.knowledge.bands import DEVICES, MAX_DEPTH_MM, Band, depth_band
from needlecare.knowledge.windows import Window
from needlecare.timeline.content import (
    band_name,
    day_templates,
    last_listed_day,
    windowed_day_templates,
)

AREAS = ("face", "neck", "chest", "scalp", "body")
PIGMENT_RISK_FROM = 4  # Fitzpatrick IV-VI carry more risk of PIH (reference.md#CI-12, AE-10)
_KNOWN = frozenset({"date", "depth_mm", "device", "fitzpatrick", "areas"})


class TimelineInvalid(ValueError):
    """The treatment cannot give a timeline; `.errors` names each bad field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


@lru_cache(maxsize=4096)
def _dates(start_ordinal: int) -> tuple[str, ...]:
    """The ISO dates of the listed days from a treatment date (many users share a date)."""
    return tuple(
        date.fromordinal(start_ordinal + day).isoformat() for day in range(last_listed_day() + 1)
    )


def _parse(treatment: Any) -> tuple[date, float, str, Band, int | None, list[str]]:
    errors: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if not isinstance(treatment, dict):
        raise TimelineInvalid([{"field": "treatment", "message": "must be an object"}])
    for key in treatment:
        if key not in _KNOWN:
            bad(str(key), f"is not a known field (known: {', '.join(sorted(_KNOWN))})")
    raw_date = treatment.get("date")
    when: date | None = raw_date if isinstance(raw_date, date) else None
    if isinstance(raw_date, datetime):  # a datetime is a date, but cannot be compared with one
        when = raw_date.date()
    if isinstance(raw_date, str):
        try:
            when = date.fromisoformat(raw_date) if len(raw_date) == 10 else None
        except ValueError:
            when = None
    if when is None:
        bad("date", f"must be a date written YYYY-MM-DD, not {raw_date!r}")
    depth = treatment.get("depth_mm")
    if (
        isinstance(depth, bool)
        or not isinstance(depth, (int, float))
        or not 0 < depth <= MAX_DEPTH_MM
    ):
        bad(
            "depth_mm",
            f"must be a number of millimetres above 0 and at most {MAX_DEPTH_MM}, not {depth!r}",
        )
    device = treatment.get("device", "pen")
    if device not in DEVICES:
        bad("device", f"must be one of {', '.join(DEVICES)}, not {device!r}")
    fitzpatrick = treatment.get("fitzpatrick")
    if fitzpatrick is not None and (type(fitzpatrick) is not int or not 1 <= fitzpatrick <= 6):
        bad("fitzpatrick", f"must be a whole number from 1 to 6, not {fitzpatrick!r}")
    areas = treatment.get("areas", [])
    if not isinstance(areas, list) or any(area not in AREAS for area in areas):
        bad("areas", f"must be a list of {', '.join(AREAS)}, not {areas!r}")
    if errors:
        raise TimelineInvalid(errors)
    assert when is not None and isinstance(depth, (int, float))
    return when, float(depth), device, depth_band(depth, device), fitzpatrick, list(areas)


def build_timeline(
    treatment: dict[str, Any],
    today: date | None = None,
    windows: Mapping[str, Window] | None = None,
) -> dict[str, Any]:
    """The day-by-day timeline (day 0 to 42) for a treatment.

    `treatment`: {"date", "depth_mm", "device", optional "fitzpatrick" 1-6, optional "areas"}.
    A skin type that is not given is read as one prone to pigment change (conservative).
    The lists inside each day are shared, prepared content: treat the result as read-only.
    `windows`: the waiting windows in force (a clinic protocol's); default windows.toml.
    """
    when, depth, device, band, fitzpatrick, areas = _parse(treatment)
    pigment_risk = fitzpatrick is None or fitzpatrick >= PIGMENT_RISK_FROM
    start = when.toordinal()
    templates = (
        day_templates(band, pigment_risk)
        if windows is None
        else windowed_day_templates(band, pigment_risk, windows)
    )
    # A shallow copy per day, then its date: the cheapest way to fresh dicts (measured).
    days = list(map(dict.copy, templates))
    for day, iso in zip(days, _dates(start), strict=True):
        day["date"] = iso
    return {
        "treatment": {
            "date": when.isoformat(),
            "depth_mm": depth,
            "device": device,
            "band": band.value,
            "band_name": band_name(band),
            "fitzpatrick": fitzpatrick,
            "areas": areas,
        },
        "today": (today - when).days if today is not None else None,
        "days": days,
    }
