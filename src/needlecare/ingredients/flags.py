"""Flags of a recognised ingredient, from the rules in data/flags.toml (no if-chains here)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from needlecare.ingredients import data


@dataclass(frozen=True)
class Rule:
    flag: str
    cite: tuple[str, ...]
    position: str | None
    strength: str | None
    require_function: str | None = None


@dataclass(frozen=True)
class FlagHit:
    flag: str
    cite: tuple[str, ...]
    strength: str | None


@dataclass(frozen=True)
class Rating:
    value: int
    cite: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class Where:
    """Where an ingredient sits on its label, for the position rules."""

    position: int
    count: int
    percent: float | None


@dataclass(frozen=True)
class _Rules:
    by_name: dict[str, list[Rule]]
    by_function: dict[str, list[Rule]]
    patterns: list[tuple[re.Pattern[str], Rule]]
    excluded: frozenset[tuple[str, str]]  # (flag, name) look-alikes
    order: tuple[str, ...]


def _rule(item: dict[str, Any]) -> Rule:
    return Rule(
        item["flag"],
        tuple(item["cite"]),
        item.get("position"),
        item.get("strength"),
        item.get("require_function"),
    )


@cache
def _rules() -> _Rules:
    doc = data.flags_document()
    by_name: dict[str, list[Rule]] = {}
    by_function: dict[str, list[Rule]] = {}
    patterns: list[tuple[re.Pattern[str], Rule]] = []
    annexes = data.annexes()
    for item in doc["rules"]:
        rule = _rule(item)
        names = list(item.get("names", []))
        if "annex" in item:
            listed: dict[str, Any] = annexes[item["annex"]]
            wanted = item.get("annex_mineral")
            names += [
                n
                for n, v in listed.items()
                if wanted is None or not isinstance(v, dict) or v["mineral"] == wanted
            ]
        for name in names:
            by_name.setdefault(name, []).append(rule)
        for function in item.get("functions", []):
            by_function.setdefault(function, []).append(rule)
        patterns += [(re.compile(p), rule) for p in item.get("patterns", [])]
    excluded = frozenset((item["flag"], name) for item in doc["not"] for name in item["names"])
    return _Rules(by_name, by_function, patterns, excluded, tuple(doc["flags"]))


@cache
def active_flag_names() -> frozenset[str]:
    """Canonical names that carry a flag marked `active = true` (retinoids, acids, drugs...)."""
    doc = data.flags_document()
    active = {flag for flag, definition in doc["flags"].items() if definition.get("active")}
    rules = _rules()
    names = {name for name, found in rules.by_name.items() if any(r.flag in active for r in found)}
    patterns = [p for p, rule in rules.patterns if rule.flag in active]
    for pattern in patterns:
        # The inventory's matches are in the compiled index (searching ~29,000 names costs
        # ~10 ms at every start); the drug names are searched here.
        matches = data.inventory_matches(pattern.pattern)
        if matches is None:
            matches = [name for name in data.inventory().names if pattern.search(name)]
        names.update(matches)
        names.update(name for name in data.drug_names() if pattern.search(name))
    return frozenset(n for n in names if not any((f, n) in rules.excluded for f in active))


@cache
def position_free_actives() -> frozenset[str]:
    """The actives whose active flag holds at any place in a list: a rule of an active flag
    with no `position` names them or matches them (not citric or lactic acid, pH adjusters
    low in a list). From the rules, not by flagging each name (cheaper at every start)."""
    doc = data.flags_document()
    active = {flag for flag, definition in doc["flags"].items() if definition.get("active")}
    rules = _rules()
    anywhere = [p for p, rule in rules.patterns if rule.flag in active and rule.position is None]
    return frozenset(
        name
        for name in active_flag_names()
        if any(r.flag in active and r.position is None for r in rules.by_name.get(name, ()))
        or any(pattern.search(name) for pattern in anywhere)
    )


@cache
def flagged_names() -> frozenset[str]:
    """Canonical names that carry a flag whose verdict before its window is avoid or caution,
    as a major ingredient, or a comedogenic rating at the threshold: the names a misread must
    not hide (the OCR's repair step looks only for these)."""
    wanted = {
        flag
        for flag, definition in data.flags_document()["flags"].items()
        if definition.get("before_window") in ("avoid", "caution")
    }
    candidates = {*data.inventory().names, *data.drug_names(), *_rules().by_name}
    names = {
        name
        for name in candidates
        if any(hit.flag in wanted for hit in _flags_for.__wrapped__(name, True))
    }
    threshold = comedogenic_threshold()
    ratings = data.comedogenic_document()["ratings"]
    names |= {name for name, entry in ratings.items() if entry["rating"] >= threshold}
    return frozenset(names)


def flag_order() -> tuple[str, ...]:
    return _rules().order


def flag_definition(flag: str) -> dict[str, Any]:
    definition: dict[str, Any] = data.flags_document()["flags"][flag]
    return definition


@cache
def _major_rule() -> tuple[float, int, float]:
    rule = data.flags_document()["positions"]["major"]
    return rule["min_percent"], rule["min_positions"], rule["first_fraction"]


def is_major(where: Where) -> bool:
    """Is the ingredient at this place a major one (for the `position = "major"` rules)?"""
    min_percent, cutoff = major_bounds(where.count)
    if where.percent is not None and where.percent >= min_percent:
        return True
    return where.position < cutoff


def major_bounds(count: int) -> tuple[float, int]:
    """is_major's rule for a list of `count` ingredients: major from this percent, or before
    this position (the checker computes it once per list)."""
    min_percent, min_positions, first_fraction = _major_rule()
    return min_percent, max(min_positions, math.ceil(count * first_fraction))


def flags_for(name: str, where: Where) -> list[FlagHit]:
    """Flags one canonical name carries at this place in the list, in vocabulary order."""
    # The place only matters through "is it a major ingredient?": two cached answers per name.
    return list(_flags_for(name, is_major(where)))


def flags_of(name: str, major: bool) -> tuple[FlagHit, ...]:
    """Flags one canonical name carries as a major (or minor) ingredient (cached)."""
    return _flags_for(name, major)


@lru_cache(maxsize=16384)
def _flags_for(name: str, major: bool) -> tuple[FlagHit, ...]:
    rules = _rules()
    candidates = list(rules.by_name.get(name, []))
    candidates += [rule for pattern, rule in rules.patterns if pattern.search(name)]
    functions = data.inventory().functions_of(name)
    for function in functions:
        candidates += rules.by_function.get(function, [])
    hits: dict[str, FlagHit] = {}
    for rule in candidates:
        if (rule.flag, name) in rules.excluded or rule.flag in hits:
            continue
        if rule.require_function and rule.require_function not in functions:
            continue
        if rule.position == "major" and not major:
            continue
        hits[rule.flag] = FlagHit(rule.flag, rule.cite, rule.strength)
    return tuple(sorted(hits.values(), key=lambda hit: rules.order.index(hit.flag)))


@lru_cache(maxsize=4096)
def caution_flags(name: str) -> frozenset[str]:
    """The flags of a name (as a major ingredient) that make a verdict avoid or caution."""
    definitions = data.flags_document()["flags"]
    return frozenset(
        hit.flag
        for hit in _flags_for(name, True)
        if definitions[hit.flag].get("before_window") in ("avoid", "caution")
    )


def comedogenic_rating(name: str) -> Rating | None:
    doc = data.comedogenic_document()
    entry = doc["ratings"].get(name)
    if entry is None:
        return None
    return Rating(entry["rating"], tuple(entry["cite"]), doc["confidence"])


def comedogenic_threshold() -> int:
    threshold: int = data.comedogenic_document()["flag_threshold"]
    return threshold
