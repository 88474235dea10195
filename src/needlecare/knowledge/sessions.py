"""When the next session is reasonable: the minimum interval after a session per depth band
and the recovery condition on top of it (data/sessions.toml, citing the reference)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from needlecare.knowledge.bands import Band, depth_band


@dataclass(frozen=True)
class NextSession:
    reasonable_from: date  # the first day the reference allows, if the skin has recovered
    min_days: int
    condition: str
    cite: tuple[str, ...]


@dataclass(frozen=True)
class _Rules:
    min_days: dict[Band, int]
    condition: str
    cite: tuple[str, ...]


@cache
def _rules() -> _Rules:
    text = resources.files("needlecare.knowledge").joinpath("data", "sessions.toml").read_text()
    document = tomllib.loads(text)
    interval, readiness = document["interval"], document["readiness"]
    return _Rules(
        min_days={Band(name): int(days) for name, days in interval["min_days"].items()},
        condition=str(readiness["condition"]),
        cite=(*interval["cite"], *readiness["cite"]),
    )


def next_session(treatment_date: date, depth_mm: float, device: str) -> NextSession:
    """The earliest reasonable next session after a session on `treatment_date`."""
    rules = _rules()
    days = rules.min_days[depth_band(depth_mm, device)]
    return NextSession(
        reasonable_from=treatment_date + timedelta(days=days),
        min_days=days,
        condition=rules.condition,
        cite=rules.cite,
    )
