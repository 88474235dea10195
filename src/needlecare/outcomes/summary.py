"""One triaged check-in, reduced to what the outcome summary tables keep.

A check-in is stored with its exact triage input and result; the summary keeps, per
treatment, the worst level seen, the days with breakouts and whether a suspected
complication was raised, so a clinic's outcomes are counted without reading check-ins again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from needlecare.knowledge.bands import depth_band

LEVELS = ("expected", "monitor", "contact_clinic", "urgent")  # mildest first: rank = index
ALERT_RANKS = frozenset({2, 3})
# Findings that name a suspected complication: the clinical reference's adverse events (AE)
# and the breakouts it says are not expected after needling (BO-08).
COMPLICATION_SOURCES = ("reference.md#AE-", "reference.md#BO-08")
# How long breakouts after needling are expected to last: "in the first 1-2 weeks"
# (reference.md#BO-07); "still worsening or not improving after about 2 weeks" should be
# checked (reference.md#BO-08). Breakouts reported after this day exceed the window.
BREAKOUT_EXPECTED_LAST_DAY = 14
BREAKOUT_WINDOW_SOURCE = "reference.md#BO-07, reference.md#BO-08"


@dataclass(frozen=True)
class CheckinSummary:
    """What one check-in adds to its treatment's summary."""

    rank: int  # index into LEVELS
    day: int
    breakout: bool  # spots reported (milia are not a breakout)
    complication: bool
    band: str | None  # depth band of the treatment (None: not known)
    device: str | None
    fitzpatrick: int | None


def rank_of(level: str) -> int:
    """The level's rank; an unknown level counts as the most urgent (never lower a level)."""
    return LEVELS.index(level) if level in LEVELS else len(LEVELS) - 1


def breakout_reported(symptoms: Mapping[str, Any]) -> bool:
    """Spots were reported: the answer is there, its count is not 0 and they are not milia."""
    answer = symptoms.get("breakouts")
    if not isinstance(answer, Mapping):
        return answer is True
    return answer.get("count") != 0 and answer.get("kind") != "milia"


def is_complication(rank: int, findings: Sequence[Any]) -> bool:
    """An alerting check-in with a finding sourced from an adverse event of the reference."""
    if rank not in ALERT_RANKS:
        return False
    return any(
        isinstance(f, Mapping) and str(f.get("source", "")).startswith(COMPLICATION_SOURCES)
        for f in findings
    )


def band_of(depth_mm: Any, device: Any) -> str | None:
    """The depth band of a treatment; None when its depth or device cannot be read."""
    try:
        return depth_band(float(depth_mm), str(device or "pen")).value
    except (TypeError, ValueError):
        return None


def _band(treatment: Mapping[str, Any]) -> str | None:
    return band_of(treatment.get("depth_mm"), treatment.get("device"))


def summarise(
    level: str, day: int, triage_input: Mapping[str, Any], triage_result: Mapping[str, Any]
) -> CheckinSummary:
    """The summary of a stored check-in, from its triage input and result as stored."""
    rank = rank_of(level)
    treatment = triage_input.get("treatment")
    treatment = treatment if isinstance(treatment, Mapping) else {}
    profile = triage_input.get("profile")
    profile = profile if isinstance(profile, Mapping) else {}
    symptoms = triage_input.get("symptoms")
    symptoms = symptoms if isinstance(symptoms, Mapping) else {}
    findings = triage_result.get("findings")
    fitzpatrick = profile.get("fitzpatrick")
    device = treatment.get("device")
    return CheckinSummary(
        rank=rank,
        day=day,
        breakout=breakout_reported(symptoms),
        complication=is_complication(rank, findings if isinstance(findings, list) else []),
        band=_band(treatment),
        device=device if isinstance(device, str) else None,
        fitzpatrick=fitzpatrick if isinstance(fitzpatrick, int) else None,
    )
