"""A clinic's outcome figures from counted groups: shares per triage level, complication
rates with a Wilson interval, breakout durations and times to act on urgent alerts.

No rate is given for a group of fewer than MIN_GROUP treatments: it is "too few to compare".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from needlecare.outcomes.summary import BREAKOUT_EXPECTED_LAST_DAY, LEVELS

MIN_GROUP = 10
TOO_FEW = "too few to compare"
Z_95 = 1.959964  # two-sided 95 %


@dataclass(frozen=True)
class Rate:
    """k events in n, per 100, with its 95 % Wilson score interval (per 100)."""

    events: int
    n: int
    per_100: float
    low: float
    high: float


@dataclass(frozen=True)
class Group:
    """One group of treatments (a depth band, a device, a day after treatment, ...)."""

    key: str
    label: str
    n: int
    counts: dict[str, int]  # treatments per level (worst level seen)
    shares: dict[str, float] | None  # percent per level; None when too few to compare
    complications: Rate | None  # None when too few (or not counted for this breakdown)
    note: str = ""  # TOO_FEW when n < MIN_GROUP


@dataclass(frozen=True)
class Durations:
    """How long something took, in the unit named by the caller: count, median, 90th centile."""

    n: int
    median: float | None
    p90: float | None
    note: str = ""


def wilson(events: int, n: int, z: float = Z_95) -> Rate:
    """The Wilson score interval: sound at small n and at 0 or n events (unlike k/n +- z*se)."""
    if n <= 0 or not 0 <= events <= n:
        raise ValueError(f"need 0 <= events <= n and n > 0, not {events}/{n}")
    p = events / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Rate(
        events,
        n,
        round(100 * p, 1),
        round(100 * max(0.0, centre - half), 1),
        round(100 * min(1.0, centre + half), 1),
    )


def group(
    key: str, label: str, counts: Mapping[str, int], complications: int | None = None
) -> Group:
    """A group from its treatments per level; shares and rate only from MIN_GROUP up."""
    full = {level: int(counts.get(level, 0)) for level in LEVELS}
    n = sum(full.values())
    if n < MIN_GROUP:
        return Group(key, label, n, full, None, None, TOO_FEW)
    shares = {level: round(100 * c / n, 1) for level, c in full.items()}
    rate = wilson(complications, n) if complications is not None else None
    return Group(key, label, n, full, shares, rate)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def durations(counted: Mapping[float, int]) -> Durations:
    """Median and 90th centile of values given as {value: how many}; too few below MIN_GROUP."""
    values = [value for value, times in sorted(counted.items()) for _ in range(times)]
    if len(values) < MIN_GROUP:
        return Durations(len(values), None, None, TOO_FEW)
    return Durations(
        len(values), round(percentile(values, 50), 1), round(percentile(values, 90), 1)
    )


@dataclass(frozen=True)
class Breakouts:
    """Breakouts ("purging") after treatment: how long they lasted, how often past the window."""

    treatments: int  # treatments with breakouts reported
    duration_days: Durations  # last day with breakouts - first day + 1
    past_window: Rate | None  # treatments with breakouts reported after the expected window
    expected_last_day: int
    note: str = ""


def breakouts(spans: Mapping[tuple[int, int], int]) -> Breakouts:
    """From {(first day, last day) with breakouts: treatments}."""
    lengths: Counter[float] = Counter()
    past = 0
    for (first, last), times in spans.items():
        lengths[float(last - first + 1)] += times
        if last > BREAKOUT_EXPECTED_LAST_DAY:
            past += times
    n = sum(spans.values())
    rate = wilson(past, n) if n >= MIN_GROUP else None
    return Breakouts(
        n, durations(lengths), rate, BREAKOUT_EXPECTED_LAST_DAY, "" if rate else TOO_FEW
    )


def sum_by(
    rows: Iterable[tuple[str, str, int, int]],
) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """(group key, level, treatments, complications) rows -> per-group level counts and
    complications."""
    levels: dict[str, Counter[str]] = {}
    complications: Counter[str] = Counter()
    for key, level, n, k in rows:
        counts = levels.get(key)
        if counts is None:  # not setdefault(): that builds a Counter for every row
            counts = levels[key] = Counter()
        counts[level] += n
        complications[key] += k
    return levels, complications
