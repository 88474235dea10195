"""The one chart module: small trend charts as accessible inline SVG, for pages and the PDF.

One chart per measure, x = day after treatment, y = the measure on its own scale. The SVG
carries everything it needs: presentation attributes (so WeasyPrint draws it without the
app's CSS), class names (so the web pages restyle it), a <title> and a <desc> that say every
value (what a screen reader reads instead of the drawing), and one <title> per dot. `rows`
gives the same values for a table under the chart. No chart library: a few lines, dots and
labels are all these charts need, and SVG stays sharp at any zoom.

Pure: numbers in, a string out; every label is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from html import escape
from typing import Literal

from needlecare.i18n import N_, Text, format_number, localize
from needlecare.triage.vocabulary import SCORE_LABELS, SCORES

WIDTH, HEIGHT = 330, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 318, 12, 118
MIN_DAYS = 7  # the day axis shows at least the first week
DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 365)  # day labels: days, then weeks
# Series colours, the same as app.css's --series-1..4 (the PDF has no stylesheet for them).
COLOURS = {"redness": "#b3261e", "swelling": "#0b6464", "pain": "#6a3fb5", "breakouts": "#a05a00"}
INK, GRID = "#4a5560", "#d9dee3"
AXIS_LABEL, NO_VALUES = N_("day after treatment"), N_("no values yet")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    scale_note: str  # what the numbers mean, shown with the chart
    maximum: float | None = None  # fixed top of the scale; None: scale to the data
    from_zero: bool = True  # False: the scale hugs the data (a colour value, not a count)
    series: str = ""  # colour/class: one of COLOURS (default: the key)
    keep: Literal["worst", "last"] = "worst"  # several values on one day
    join_gaps: bool = False  # draw the line across days without a value
    empty: str = N_("No check-ins yet: the chart appears after the first one.")

    @property
    def colour_key(self) -> str:
        return self.series or self.key


_NO_ANSWER = {
    "redness": N_("No redness answers yet: the chart appears after the first one."),
    "swelling": N_("No swelling answers yet: the chart appears after the first one."),
    "pain": N_("No pain answers yet: the chart appears after the first one."),
}
_SCALE_NOTES = {"redness": N_("0 none to 3 strong"), "swelling": N_("0 none to 3 strong"),
                "pain": N_("0 none to 10 worst")}  # fmt: skip
# Labels and limits come from the one check-in vocabulary, so a chart cannot drift from it.
# Words are catalogue messages: a chart built for a locale says them in its language.
SYMPTOM_MEASURES = (
    *(
        Measure(key, SCORE_LABELS[key], note, maximum=SCORES[key], empty=_NO_ANSWER[key])
        for key, note in _SCALE_NOTES.items()
    ),
    Measure("breakouts", N_("Spots"), N_("number of spots")),
)


@dataclass(frozen=True)
class Chart:
    id: str
    measure: Measure
    points: tuple[tuple[int, float], ...]  # (day, value), one per day, oldest first
    missing_days: tuple[int, ...]  # days inside the span without a value
    description: str  # the text alternative: every value, and the days without one
    svg: str
    locale: str = "en"  # the language of the description and of the drawing's words

    @property
    def title(self) -> str:
        return self.measure.label

    @property
    def key(self) -> str:
        return self.measure.key

    @property
    def scale_note(self) -> str:
        return self.measure.scale_note

    @property
    def missing_note(self) -> str:
        """'No answer on days 3-4.' when the line has holes it does not bridge; else ''."""
        if not self.missing_days or self.measure.join_gaps:
            return ""
        return localize(
            self.locale,
            Text("No answer on {days}.", days=_day_list(self.missing_days, self.locale)),
        )

    @property
    def rows(self) -> list[tuple[int, str]]:
        """(day, value as shown) for a table under the chart."""
        return [(day, _number(value, self.locale)) for day, value in self.points]


def measure_value(symptoms: Mapping[str, object], key: str) -> int | None:
    """A check-in's value for one symptom measure; None when the patient did not answer it."""
    raw = symptoms.get(key)
    if key == "breakouts":
        raw = raw.get("count") if isinstance(raw, dict) else None
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def charted_value(symptoms: Mapping[str, object], key: str) -> int | None:
    """What a symptom chart draws for one check-in: an unanswered score is no point, not 0.

    Spots are the exception: the check-in form says "no spots" by leaving `breakouts` out, and
    triage reads it the same way, so a check-in without them is 0 spots. Spots reported without
    a count are no point.
    """
    if key == "breakouts" and "breakouts" not in symptoms:
        return 0
    return measure_value(symptoms, key)


def symptom_charts(
    checkins: Iterable[tuple[int, Mapping[str, object]]],
    prefix: str = "trend",
    locale: str = "en",
) -> list[Chart]:
    """One chart per symptom measure from (day, symptoms) pairs."""
    pairs = list(checkins)
    return [
        chart(
            measure,
            [(day, v) for day, s in pairs if (v := charted_value(s, measure.key)) is not None],
            f"{prefix}-{measure.key}",
            locale,
        )
        for measure in SYMPTOM_MEASURES
    ]


def chart(
    measure: Measure, values: Iterable[tuple[int, float]], chart_id: str, locale: str = "en"
) -> Chart:
    """The chart of `values` ((day, value) in any order, several a day allowed), its words
    in `locale`."""
    points = _one_per_day(values, measure.keep)
    days = [day for day, _ in points]
    missing = tuple(sorted(set(range(days[0], days[-1] + 1)) - set(days))) if days else ()
    bare = Chart(chart_id, measure, points, missing, "", "", locale)
    description = _describe(bare)
    return replace(bare, description=description, svg=_svg(bare, description))


def _one_per_day(
    values: Iterable[tuple[int, float]], keep: Literal["worst", "last"]
) -> tuple[tuple[int, float], ...]:
    by_day: dict[int, float] = {}
    for day, value in values:
        if keep == "worst" and day in by_day:
            by_day[day] = max(by_day[day], value)
        else:
            by_day[day] = value
    return tuple(sorted(by_day.items()))


def value_ticks(measure: Measure, values: Sequence[float]) -> list[float]:
    """Gridline values: evenly spaced, five or six, the first and last ending the scale."""
    if measure.maximum is not None:
        low, high = 0.0, measure.maximum
    elif measure.from_zero:
        low, high = 0.0, max([4.0, *values])
    else:
        pad = max((max(values) - min(values)) * 0.15, 1.0) if values else 1.0
        low = math.floor(min(values, default=0.0) - pad)
        high = max(math.ceil(max(values, default=0.0) + pad), low + 4)
    step = _nice_step((high - low) / 5)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    count = round((last - first) / step)
    return [round(first + i * step, 6) for i in range(count + 1)]


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is at least `raw` (and at least 1)."""
    if raw <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def day_ticks(last_day: int) -> list[int]:
    step = next((s for s in DAY_STEPS if last_day / s <= 10), DAY_STEPS[-1])
    return list(range(0, last_day + 1, step))


def _number(value: float, locale: str = "en") -> str:
    """A value as the locale writes it ('1,5' in Spanish), at most two decimals."""
    return format_number(value, locale, 2)


def _describe(c: Chart) -> str:
    say = partial(localize, c.locale)
    if not c.points:
        return say(c.measure.empty)
    values = ", ".join(
        say(Text("day {day}: {value}", day=day, value=_number(value, c.locale)))
        for day, value in c.points
    )
    text = say(
        Text(
            "{title} ({scale}) by day after treatment. {values}.",
            title=Text(c.title),
            scale=Text(c.scale_note),
            values=values,
        )
    )
    return f"{text} {c.missing_note}" if c.missing_note else text


def _day_list(days: Sequence[int], locale: str = "en") -> str:
    """3, 4, 5, 9 -> 'days 3-5 and 9'."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    if len(parts) == 1:
        joined = parts[0]
    else:
        joined = localize(
            locale, Text("{some} and {last}", some=", ".join(parts[:-1]), last=parts[-1])
        )
    if len(days) == 1:
        return localize(locale, Text("day {days}", days=joined))
    return localize(locale, Text("days {days}", days=joined))


def _segments(
    points: Sequence[tuple[int, float]], join_gaps: bool
) -> list[list[tuple[int, float]]]:
    """Runs of consecutive days: a line never bridges days without an answer (unless told)."""
    segments: list[list[tuple[int, float]]] = []
    for point in points:
        if segments and (join_gaps or point[0] == segments[-1][-1][0] + 1):
            segments[-1].append(point)
        else:
            segments.append([point])
    return segments


def _svg(c: Chart, description: str) -> str:
    measure, points, chart_id = c.measure, c.points, c.id
    say = partial(localize, c.locale)
    ticks = value_ticks(measure, [v for _, v in points])
    low, high = ticks[0], ticks[-1]
    last_day = max([MIN_DAYS, *(d for d, _ in points)])
    colour = COLOURS.get(measure.colour_key, COLOURS["redness"])
    series = escape(measure.colour_key)

    def x(day: int) -> str:
        return f"{LEFT + (RIGHT - LEFT) * day / last_day:.1f}"

    def y(value: float) -> str:
        return f"{BOTTOM - (BOTTOM - TOP) * (value - low) / (high - low):.1f}"

    cid = escape(chart_id)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(say(measure.label))}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]
    for tick in ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{RIGHT}" y1="{y(tick)}" y2="{y(tick)}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
            f'<text class="axis-label" x="{LEFT - 6}" y="{float(y(tick)) + 3:.1f}" '
            f'font-size="9" text-anchor="end" fill="{INK}">{_number(tick, c.locale)}</text>'
        )
    for day in day_ticks(last_day):
        parts.append(
            f'<text class="axis-label" x="{x(day)}" y="{BOTTOM + 13}" font-size="9" '
            f'text-anchor="middle" fill="{INK}">{day}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{(LEFT + RIGHT) / 2:.0f}" y="{HEIGHT - 4}" font-size="9" '
        f'text-anchor="middle" fill="{INK}">{escape(say(AXIS_LABEL))}</text>'
    )
    for segment in _segments(points, measure.join_gaps):
        if len(segment) > 1:
            path = " ".join(f"{x(d)},{y(v)}" for d, v in segment)
            parts.append(
                f'<polyline class="series s-{series}" points="{path}" fill="none" '
                f'stroke="{colour}" stroke-width="1.8" stroke-linejoin="round"/>'
            )
    label = say(measure.label).lower()
    for day, value in points:
        value_text = _number(value, c.locale)
        dot = say(Text("Day {day}: {label} {value}", day=day, label=label, value=value_text))
        parts.append(
            f'<circle class="dot d-{series}" cx="{x(day)}" cy="{y(value)}" r="3" '
            f'fill="{colour}"><title>{escape(dot)}</title></circle>'
        )
    if not points:
        parts.append(
            f'<text x="{(LEFT + RIGHT) / 2:.0f}" y="{(TOP + BOTTOM) / 2:.0f}" font-size="10" '
            f'text-anchor="middle" fill="{INK}">{escape(say(NO_VALUES))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- Stacked share bars (the clinic's outcomes) -------------------------------------------------

# One colour per triage level, mildest first; the same as app.css's --level-* colours.
LEVEL_COLOURS = {"expected": "#2e6b34", "monitor": "#8a5a00", "contact_clinic": "#b3261e",
                 "urgent": "#5c1010"}  # fmt: skip
BAR_LABEL_WIDTH, BAR_WIDTH, BAR_HEIGHT, BAR_GAP = 150, 300, 14, 6


@dataclass(frozen=True)
class Bar:
    label: str
    shares: Mapping[str, float] | None  # percent per series key; None: no bar (`note` instead)
    note: str = ""  # said instead of the bar, e.g. "too few to compare"
    n: int = 0


def share_bars(
    chart_id: str, title: str, bars: Sequence[Bar], series: Sequence[tuple[str, str]]
) -> str:
    """Horizontal 100 % bars, one per group, segments in `series` order ((key, label) pairs).

    The <desc> says every share of every bar, and each segment has its own <title>, so the
    chart reads the same without the drawing. A bar without shares shows its note instead."""
    height = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + 44
    width = BAR_LABEL_WIDTH + BAR_WIDTH + 24
    cid = escape(chart_id)
    labels = dict(series)

    def said(bar: Bar) -> str:
        if bar.shares is None:
            return f"{bar.label}: {bar.note or 'no data'} (n={bar.n})"
        parts = ", ".join(f"{labels[k]} {_number(bar.shares.get(k, 0.0))} %" for k, _ in series)
        return f"{bar.label} (n={bar.n}): {parts}"

    description = f"{title}. " + "; ".join(said(bar) for bar in bars) + "." if bars else title
    parts = [
        f'<svg class="chart share-bars" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        parts.append(
            f'<text class="axis-label" x="{BAR_LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" '
            f'font-size="10" text-anchor="end" fill="{INK}">{escape(bar.label)}</text>'
        )
        if bar.shares is None:
            parts.append(
                f'<text class="axis-label" x="{BAR_LABEL_WIDTH + 4}" y="{y + BAR_HEIGHT - 3}" '
                f'font-size="10" fill="{INK}">{escape(bar.note or "no data")}</text>'
            )
            continue
        x = float(BAR_LABEL_WIDTH)
        for key, label in series:
            share = bar.shares.get(key, 0.0)
            w = BAR_WIDTH * share / 100
            if w <= 0:
                continue
            parts.append(
                f'<rect class="bar b-{escape(key)}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{LEVEL_COLOURS.get(key, INK)}">'
                f"<title>{escape(bar.label)}: {escape(label)} {_number(share)} %</title></rect>"
            )
            x += w
    axis_y = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + 10
    for tick in (0, 50, 100):
        parts.append(
            f'<text class="axis-label" x="{BAR_LABEL_WIDTH + BAR_WIDTH * tick / 100:.0f}" '
            f'y="{axis_y}" font-size="9" text-anchor="middle" fill="{INK}">{tick} %</text>'
        )
    x = float(BAR_LABEL_WIDTH)
    for key, label in series:  # the legend: what each colour stands for
        parts.append(
            f'<rect x="{x:.0f}" y="{axis_y + 10}" width="10" height="10" '
            f'fill="{LEVEL_COLOURS.get(key, INK)}"/>'
            f'<text class="axis-label" x="{x + 14:.0f}" y="{axis_y + 19}" font-size="10" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        x += 14 + 6.5 * len(label) + 12
    parts.append("</svg>")
    return "".join(parts)
