"""The vignette set: 0 under-triage is a hard requirement (rates: bench/triage_vignettes.py)."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from needlecare.knowledge.citations import is_resolvable
from needlecare.triage import LEVELS, triage_checkin

CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "vignettes.toml").read_text("utf-8")
)["case"]
RANK = {level: index for index, level in enumerate(LEVELS)}


def test_the_set_is_large_and_well_formed() -> None:
    assert len(CASES) >= 100
    assert len({case["id"] for case in CASES}) == len(CASES)
    for case in CASES:
        assert RANK[case["lowest"]] <= RANK[case["ideal"]] <= RANK[case["highest"]], case["id"]
        entries = re.findall(r"\b([A-Z]{2}-\d{2})\b", case["why"])
        assert entries, f"{case['id']}: the rationale cites no reference entry"
        assert all(is_resolvable(f"reference.md#{e}") for e in entries), case["id"]


def test_the_set_covers_every_level_and_every_band() -> None:
    assert {case["ideal"] for case in CASES} == set(LEVELS)
    devices = {case["checkin"].get("treatment", {}).get("device") for case in CASES}
    assert {"pen", "roller", "rf", "stamp"} <= devices
    depths = {case["checkin"].get("treatment", {}).get("depth_mm") for case in CASES}
    assert {0.25, 0.75, 1.5, 2.5} <= depths


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_no_under_triage(case: dict[str, Any]) -> None:
    level = triage_checkin(case["checkin"], date(2026, 11, 25))["level"]
    assert RANK[level] >= RANK[case["lowest"]], f"{level} < {case['lowest']}: {case['why']}"


LOOK_ALIKES = [case for case in CASES if case["id"].startswith("lookalike_")]


@pytest.mark.parametrize("case", LOOK_ALIKES, ids=[case["id"] for case in LOOK_ALIKES])
def test_look_alikes_of_new_signs_do_not_escalate(case: dict[str, Any]) -> None:
    """Oozing on day 1 after 2 mm, more peeling on day 4: at most `highest` (monitor)."""
    level = triage_checkin(case["checkin"], date(2026, 11, 25))["level"]
    assert RANK[level] <= RANK[case["highest"]], f"{level} > {case['highest']}: {case['why']}"
