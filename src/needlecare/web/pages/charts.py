"""Trend charts as plain data for an inline SVG template: no JavaScript, no chart library.

One small chart per measure (its own scale), x = day after treatment. The template draws
gridlines, a polyline and one dot per check-in with a <title> tooltip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

WIDTH, HEIGHT = 320, 124
LEFT, RIGHT, TOP, BOTTOM = 30, 310, 10, 100


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    maximum: int | None  # None: scale to the data (breakout counts)
    unit: str


MEASURES = (
    Measure("redness", "Redness", 3, "0 none to 3 strong"),
    Measure("swelling", "Swelling", 3, "0 none to 3 strong"),
    Measure("pain", "Pain", 10, "0 none to 10 worst"),
    Measure("breakouts", "Spots", None, "number of spots"),
)


@dataclass
class Chart:
    id: str
    title: str
    description: str
    axis_note: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    gridlines: list[dict[str, Any]] = field(default_factory=list)
    xticks: list[dict[str, Any]] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    points_count: int = 0


def _nice_max(values: list[int]) -> int:
    top = max(values, default=0)
    for step in (4, 8, 12, 20, 40, 100):
        if top <= step:
            return step
    return top


def _daily_worst(rows: Iterable[Mapping[str, Any]], key: str) -> dict[int, int]:
    """Several check-ins on one day: chart the worst value of that day."""
    by_day: dict[int, int] = {}
    for row in rows:
        value = row.get(key)
        if value is None:
            continue
        day = int(row["day"])
        by_day[day] = max(by_day.get(day, 0), int(value))
    return by_day


def trend_charts(rows: Sequence[Mapping[str, Any]], prefix: str = "trend") -> list[Chart]:
    """`rows`: one mapping per check-in with `day` and the measure keys (missing = not asked)."""
    days = sorted({int(row["day"]) for row in rows})
    first, last = (days[0], days[-1]) if days else (0, 1)
    span = max(last - first, 1)

    def x_of(day: int) -> float:
        return round(LEFT + (day - first) * (RIGHT - LEFT) / span, 1)

    charts = []
    for measure in MEASURES:
        by_day = _daily_worst(rows, measure.key)
        top = measure.maximum or _nice_max(list(by_day.values()))

        def y_of(value: int, top: int = top) -> float:
            return round(BOTTOM - value * (BOTTOM - TOP) / top, 1)

        chart = Chart(
            id=f"{prefix}-{measure.key}",
            title=measure.label,
            description=_describe(measure, by_day),
            axis_note=f"Scale: {measure.unit}. d3 = day 3 after treatment.",
            points_count=len(by_day),
        )
        chart.gridlines = [{"y": y_of(v), "label": str(v)} for v in _grid_values(top)]
        chart.xticks = [{"x": x_of(d), "label": f"d{d}"} for d in _tick_days(days)]
        points = sorted(by_day.items())
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x_of(day)},{y_of(value)}"
            for i, (day, value) in enumerate(points)
        )
        dots = [
            {
                "x": x_of(day),
                "y": y_of(value),
                "title": f"Day {day}: {measure.label.lower()} {value}",
            }
            for day, value in points
        ]
        chart.series = [{"key": measure.key, "label": measure.label, "path": path, "dots": dots}]
        charts.append(chart)
    return charts


def _grid_values(top: int) -> list[int]:
    """At most six evenly spaced gridlines that include 0 and the top of the scale."""
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, top) if top % s == 0 and top // s <= 5)
    return list(range(0, top + 1, step))


def _tick_days(days: list[int], most: int = 7) -> list[int]:
    if len(days) <= most:
        return days
    stride = -(-len(days) // most)
    picked = days[::stride]
    return picked if picked[-1] == days[-1] else [*picked[:-1], days[-1]]


def _describe(measure: Measure, by_day: Mapping[int, int]) -> str:
    """The text alternative screen readers get instead of the drawing."""
    if not by_day:
        return f"No {measure.label.lower()} answers yet."
    points = ", ".join(f"day {day}: {value}" for day, value in sorted(by_day.items()))
    return f"{measure.label} ({measure.unit}) by day after treatment. {points}."
