"""Trend charts as inline SVG strings: one small chart per measure, x = day after treatment.

No chart library: a few lines, dots and labels are all a report needs, and SVG stays sharp
in the PDF at any zoom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from needlecare.reports.records import CheckinRecord

WIDTH, HEIGHT = 330, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 318, 12, 118
LINE_COLOUR = "#1f6f8b"
DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 365)  # day-axis label spacing: days, then weeks


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    maximum: int | None  # None: scale to the data (counts)
    scale_note: str


MEASURES = (
    Measure("redness", "Redness", 3, "0 none to 3 strong"),
    Measure("swelling", "Swelling", 3, "0 none to 3 strong"),
    Measure("pain", "Pain", 10, "0 none to 10 worst"),
    Measure("breakouts", "Breakouts", None, "number of spots"),
)


@dataclass(frozen=True)
class TrendChart:
    key: str
    title: str
    scale_note: str
    points: tuple[tuple[int, int], ...]  # (day, value)
    svg: str


def measure_value(symptoms: dict[str, object], key: str) -> int | None:
    """A check-in's value for one measure; None when the patient did not answer it."""
    raw = symptoms.get(key)
    if key == "breakouts":
        raw = raw.get("count") if isinstance(raw, dict) else None
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _step(maximum: int) -> int:
    return 1 if maximum <= 5 else 2 if maximum <= 10 else max(1, -(-maximum // 5))


def _round_up(maximum: int) -> int:
    """A data-scaled axis ends on a tick, so the top gridline is a labelled value."""
    step = _step(maximum)
    return -(-maximum // step) * step


def _ticks(maximum: int) -> list[int]:
    return list(range(0, maximum + 1, _step(maximum)))


def _svg(measure: Measure, points: Sequence[tuple[int, int]]) -> str:
    top_value = measure.maximum or _round_up(max([3, *(v for _, v in points)]))
    last_day = max([7, *(d for d, _ in points)])

    def x(day: int) -> float:
        return LEFT + (RIGHT - LEFT) * day / last_day

    def y(value: int) -> float:
        return BOTTOM - (BOTTOM - TOP) * value / top_value

    title = escape(f"{measure.label} by day after treatment ({measure.scale_note})")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}">',
        f"<title>{title}</title>",
    ]
    for tick in _ticks(top_value):
        parts.append(
            f'<line x1="{LEFT}" x2="{RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#d9dee3" stroke-width="0.8"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 3:.1f}" font-size="9" text-anchor="end" '
            f'fill="#4a5560">{tick}</text>'
        )
    day_step = next((s for s in DAY_STEPS if last_day / s <= 10), DAY_STEPS[-1])
    for day in range(0, last_day + 1, day_step):
        parts.append(
            f'<text x="{x(day):.1f}" y="{BOTTOM + 13}" font-size="9" text-anchor="middle" '
            f'fill="#4a5560">{day}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + RIGHT) / 2:.0f}" y="{HEIGHT - 4}" font-size="9" '
        'text-anchor="middle" fill="#4a5560">day after treatment</text>'
    )
    if len(points) > 1:
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.6"/>'
        )
    for day, value in points:
        parts.append(
            f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="2.6" fill="{LINE_COLOUR}">'
            f"<title>day {day}: {value}</title></circle>"
        )
    if not points:
        parts.append(
            f'<text x="{(LEFT + RIGHT) / 2:.0f}" y="{(TOP + BOTTOM) / 2:.0f}" font-size="10" '
            'text-anchor="middle" fill="#4a5560">no answers yet</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_charts(checkins: Sequence[CheckinRecord]) -> list[TrendChart]:
    """One chart per measure over the check-ins (in the order given: oldest first)."""
    charts = []
    for measure in MEASURES:
        points = tuple(
            (c.day, value)
            for c in checkins
            if (value := measure_value(c.symptoms, measure.key)) is not None
        )
        charts.append(
            TrendChart(
                measure.key, measure.label, measure.scale_note, points, _svg(measure, points)
            )
        )
    return charts
