"""Day-N verdict for a recognised ingredient list: recommended | ok | caution | avoid.

Waiting windows come from needlecare.knowledge.windows (one file for the whole app); this module
only combines them. Rules, in order:
- a flag whose window has not opened yet -> its `before_window` status (avoid or caution);
- a flag inside its window's caution period -> caution;
- a flag without a window in the clinical reference -> caution, "ask your clinic";
- an unknown ingredient -> at least `caution`: NeedleCare cannot say what it is and tells the
  person to ask their clinic, so it must not also say "OK to use" (missing information raises
  a level, never lowers it; reference.md#AC-16);
- `recommended` only for a simple, fully recognised formula with no concern and something
  useful at this stage (soothing/barrier care, or a mineral sunscreen once allowed)
  (reference.md#AC-02, #AC-03, #AC-05, #AC-16);
- while the clinic-wide "bland only" window (if the knowledge data defines one) is open, any
  product that is not `recommended` is at least `caution`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from needlecare.i18n_text import Text
from needlecare.ingredients.flags import flag_definition, flag_order
from needlecare.ingredients.reasons import (
    DEFAULT_SHAPES,
    SHAPES_MAX,
    Reason,
    as_dict_of,
    bland_text,
    reason_shape,
)
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window, windows

STATUSES = ("recommended", "ok", "caution", "avoid")
SIMPLE_FORMULA_MAX = 25  # "simple": AC-16 asks for plain, single-purpose products
BLAND_ONLY_WINDOW = "bland_only"
GOOD_FLAGS = frozenset({"soothing", "mineral_sunscreen"})
UNKNOWN_SOURCE = "reference.md#AC-16"


@dataclass
class Finding:
    """One recognised ingredient with its flags, as the verdict needs it."""

    name: str
    flags: tuple[str, ...]
    strength: dict[str, str] = field(default_factory=dict)
    fuzzy: bool = False


def decide(
    findings: list[Finding],
    unknown: list[str],
    day: int,
    band: Band | None,
    in_force: Mapping[str, Window] | None = None,
) -> dict[str, Any]:
    """`in_force`: the windows of a clinic protocol (guide.effective_windows); default
    windows.toml."""
    known_windows = windows() if in_force is None else in_force
    by_flag: dict[str, list[Finding]] = {}
    fuzzy: list[str] = []
    for finding in findings:
        if finding.flags:
            for flag in _without_superseded(finding.flags):  # (a tuple: hashable)
                if flag in by_flag:
                    by_flag[flag].append(finding)
                else:
                    by_flag[flag] = [finding]
        if finding.fuzzy:
            fuzzy.append(finding.name)
    reasons: list[Reason] = []
    resume_days: list[int] = []
    rank = _flag_rank()
    for flag in sorted(by_flag, key=lambda f: rank.get(f, len(rank))) if by_flag else ():
        group = by_flag[flag]
        if len(group) == 1:  # the common case: one ingredient carries the flag
            strength = group[0].strength
            names = [group[0].name]
            notes: tuple[str, ...] = (strength[flag],) if flag in strength else ()
        else:
            names = list(dict.fromkeys(f.name for f in group))
            notes = tuple(dict.fromkeys(f.strength[flag] for f in group if flag in f.strength))
        shape = DEFAULT_SHAPES.get((flag, notes, day, band)) if in_force is None else None
        if shape is None:
            definition = flag_definition(flag)
            window = known_windows.get(definition.get("window", ""))
            shape = reason_shape(flag, definition, window, notes, day, band)
            if in_force is None:
                if len(DEFAULT_SHAPES) >= SHAPES_MAX:
                    DEFAULT_SHAPES.clear()
                DEFAULT_SHAPES[(flag, notes, day, band)] = shape
        if shape.resume is not None:
            resume_days.append(shape.resume)
        reason = shape.reason_of(names)
        if reason is not None:
            reasons.append(reason)
    if unknown:
        reasons.append(
            Reason(
                "caution",
                "unrecognized",
                unknown,
                Text(
                    "Not recognised: {names}. NeedleCare cannot say what it is; ask your clinic "
                    "before using this on treated skin.",
                    names=", ".join(unknown),
                )
                if len(unknown) == 1
                else Text(
                    "Not recognised: {names}. NeedleCare cannot say what they are; ask your "
                    "clinic before using this on treated skin.",
                    names=", ".join(unknown),
                ),
                UNKNOWN_SOURCE,
            )
        )
    if fuzzy:
        reasons.append(
            Reason(
                "info",
                "fuzzy_match",
                fuzzy,
                Text(
                    "Read as {names} from a misspelt or damaged name; check the label.",
                    names=", ".join(fuzzy),
                ),
                UNKNOWN_SOURCE,
            )
        )
    status = _status(reasons, findings, unknown, fuzzy, frozenset(by_flag))
    bland = known_windows.get(BLAND_ONLY_WINDOW)
    if bland is not None and status == "ok" and day < (bland_day := bland.resume_day(band)):
        status = "caution"
        reasons.append(
            Reason(
                "caution",
                "bland_only",
                [f.name for f in findings],
                bland_text(bland, band),
                bland.cite[0],
                bland_day,
            )
        )
    if len(reasons) > 1:
        rank = _flag_rank()
        reasons.sort(key=lambda r: (_RANK[r.status], rank.get(r.flag, len(rank))))
    return {
        "status": status,
        "day": day,
        "resume_day": max(resume_days) if resume_days else None,
        "reasons": [as_dict_of(r) for r in reasons],
    }


def _status(
    reasons: list[Reason],
    findings: list[Finding],
    unknown: list[str],
    fuzzy: list[str],
    flags: frozenset[str],
) -> str:
    """`flags`: the judged flags of all findings."""
    worst = {r.status for r in reasons}
    if "avoid" in worst:
        return "avoid"
    if "caution" in worst:
        return "caution"
    if unknown or fuzzy or not findings or len(findings) > SIMPLE_FORMULA_MAX:
        return "ok"
    concerns = flags - GOOD_FLAGS
    if flags & GOOD_FLAGS and not concerns:
        return "recommended"
    return "ok"


@lru_cache(maxsize=1024)
def _without_superseded(flags: tuple[str, ...]) -> tuple[str, ...]:
    """A flag that another flag of the same ingredient supersedes (a mineral filter is a UV
    filter too) is shown on the ingredient but judged by the superseding flag's window."""
    superseded = {s for f in flags for s in flag_definition(f).get("supersedes", ())}
    return tuple(flag for flag in flags if flag not in superseded)


@cache
def _flag_rank() -> dict[str, int]:
    """Each flag's place in the vocabulary's order (flags outside it come last)."""
    return {flag: index for index, flag in enumerate(flag_order())}


_RANK = {"avoid": 0, "caution": 1, "info": 2}
