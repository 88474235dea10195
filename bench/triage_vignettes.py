"""Score the triage engine on the vignette set: under-triage, exact match, over-triage.

Run: .venv/bin/python bench/triage_vignettes.py [--verbose]
Under-triage = level below the case's lowest acceptable level (must be 0; also a hard test);
exact = level equals the ideal level; over-triage = level above the highest reasonable level.
Under-triage is also reported separately for the urgent and contact_clinic cases (TR-09).
"""

from __future__ import annotations

import sys
import tomllib
from datetime import date
from pathlib import Path

from needlecare.triage import LEVELS, triage_checkin

VIGNETTES = Path(__file__).resolve().parent.parent / "tests" / "triage" / "vignettes.toml"
TODAY = date(2026, 11, 25)


def main() -> int:
    verbose = "--verbose" in sys.argv
    cases = tomllib.loads(VIGNETTES.read_text("utf-8"))["case"]
    rank = {level: index for index, level in enumerate(LEVELS)}
    under, exact, over = [], 0, []
    per_floor: dict[str, list[int]] = {level: [0, 0] for level in LEVELS}
    for case in cases:
        level = triage_checkin(case["checkin"], TODAY)["level"]
        got, low, ideal, high = (
            rank[x] for x in (level, case["lowest"], case["ideal"], case["highest"])
        )
        per_floor[case["lowest"]][0] += 1
        if got < low:
            under.append(case["id"])
            per_floor[case["lowest"]][1] += 1
        if got == ideal:
            exact += 1
        elif verbose:
            print(f"  {case['id']}: got {level}, ideal {case['ideal']}")
        if got > high:
            over.append(case["id"])
    total = len(cases)
    print(f"vignettes: {total}")
    print(f"under-triage: {len(under)} ({len(under) / total:.1%}) {under}")
    for level in ("urgent", "contact_clinic"):
        cases_at, missed = per_floor[level]
        print(f"  under-triage where lowest = {level}: {missed}/{cases_at}")
    print(f"exact match (= ideal): {exact} ({exact / total:.1%})")
    print(f"over-triage (> highest reasonable): {len(over)} ({len(over) / total:.1%}) {over}")
    return 1 if under else 0


if __name__ == "__main__":
    sys.exit(main())
