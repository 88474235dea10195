"""The triage engine: rules from data/rules.toml, compiled once, evaluated urgent-first.

The level is the highest level of any rule that fired; nothing lowers it (reference.md#TR-02).
Each fired rule adds a finding {"code", "text", "source"}; the advice starts with what to do at
that level (urgent says plainly: medical care now or emergency services), then the fired rules'
own advice, and always says what change should make the person act and when to check in again
(reference.md#TR-03).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from needlecare.knowledge.bands import Band
from needlecare.timeline import phase_for
from needlecare.timeline.content import last_listed_day
from needlecare.triage.conditions import compile_rule_set
from needlecare.triage.facts import KNOWN_FACTS, TEXT_FIELDS, build_facts
from needlecare.triage.validate import validate_checkin

LEVELS = ("expected", "monitor", "contact_clinic", "urgent")
RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    rank: int
    text: str
    text_has_fields: bool
    advice: tuple[str, ...]
    source: str
    reassuring: bool
    # The finding in the clinic's words ("Fever reported with ..."), where `text` speaks to the
    # patient ("You have a fever ..."); the same as `text` when that is already neutral.
    staff_text: str = ""


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]  # urgent first, then in file order
    fired: Callable[[dict[str, Any]], list[int]]  # facts -> indexes into rules, in order
    level_advice: dict[str, tuple[str, ...]]
    fallback: dict[str, str]


def raw_rules() -> dict[str, Any]:
    text = resources.files("needlecare.triage").joinpath("data", "rules.toml").read_text("utf-8")
    return tomllib.loads(text)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _check_text(text: str, where: str) -> str:
    unknown = _fields(text) - TEXT_FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown placeholder(s) {sorted(unknown)}")
    return text


def _staff_text(item: dict[str, Any]) -> str:
    """A rule's staff wording: it may quote only what its patient text quotes, because a stored
    finding keeps the patient text and the values are read back from it."""
    staff = str(item.get("staff_text") or item["text"])
    extra = _fields(staff) - _fields(item["text"])
    if extra:
        raise ValueError(f"{item['code']}: staff_text quotes {sorted(extra)} that text does not")
    return staff


def _day_only(text: str, where: str) -> str:
    if _fields(text) - {"day"}:
        raise ValueError(f"{where}: level advice may only quote {{day}}")
    return text


def _no_fields(text: str, where: str) -> str:
    if _fields(text):
        raise ValueError(f"{where}: rule advice takes no placeholders")
    return text


@cache
def rule_book() -> RuleBook:
    document = raw_rules()
    items = list(document["rule"])
    for index, item in enumerate(items):
        if item["level"] not in RANK:
            raise ValueError(f"rule[{index}] {item.get('code')}: unknown level {item['level']!r}")
    items.sort(key=lambda item: -RANK[item["level"]])  # stable: file order within a level
    rules = tuple(
        Rule(
            code=item["code"],
            level=item["level"],
            rank=RANK[item["level"]],
            text=_check_text(item["text"], item["code"]),
            text_has_fields=bool(_fields(item["text"])),
            advice=tuple(_no_fields(a, item["code"]) for a in item.get("advice", ())),
            source=item["source"],
            reassuring=item.get("reassuring", False),
            staff_text=_staff_text(item),
        )
        for item in items
    )
    codes = [rule.code for rule in rules]
    if len(codes) != len(set(codes)):
        raise ValueError("rule codes must be unique")
    fired = compile_rule_set(
        document.get("macros", {}),
        [(f"rule {i['code']}.when", i["when"]) for i in items],
        KNOWN_FACTS,
    )
    level_advice = {
        level: tuple(_day_only(a, f"levels.{level}") for a in document["levels"][level]["advice"])
        for level in LEVELS
    }
    fallback = dict(document["fallback"])
    fallback["staff_text"] = _staff_text(fallback)
    return RuleBook(rules, fired, level_advice, fallback)


def evaluate(facts: dict[str, Any]) -> tuple[str, list[Rule]]:
    """The level and the rules that fired (every rule is evaluated; urgent ones first)."""
    book = rule_book()
    rules = book.rules
    fired = [rules[index] for index in book.fired(facts)]
    rank = fired[0].rank if fired else 0  # rules are sorted by level, highest first
    return LEVELS[rank], fired


def triage_checkin(
    payload: dict[str, Any],
    today: date | None = None,
    *,
    keep_red_flags: bool = False,
    missing: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    """Triage one check-in: the `needlecare triage --json` contract of issue 4.

    Raises CheckinInvalid (with `.errors`) for input that does not follow the schema. With
    `keep_red_flags`, a check-in with a red flag is triaged whatever else is invalid (see
    validate_checkin); the result then lists the invalid answers under "field_errors".
    `missing`: answers the caller found missing, each {"field", "message"}.
    """
    checkin = validate_checkin(payload, today, keep_red_flags=keep_red_flags, missing=missing)
    facts = build_facts(checkin)
    level, fired = evaluate(facts)
    book = rule_book()
    text_fields = {name: facts[name] for name in TEXT_FIELDS}
    hide_reassurance = RANK[level] >= RANK["contact_clinic"]
    findings = [
        {
            "code": rule.code,
            "text": rule.text.format_map(text_fields) if rule.text_has_fields else rule.text,
            "source": rule.source,
        }
        for rule in fired
        if not (hide_reassurance and rule.reassuring)
    ]
    if not findings:
        fallback = book.fallback
        findings.append(
            {
                "code": fallback["code"],
                "text": fallback["text"].format_map(text_fields),
                "source": fallback["source"],
            }
        )
    advice = list(_level_advice(level, checkin.day))
    for rule in fired:
        for line in rule.advice:
            if line not in advice:  # rule advice has no placeholders (checked at load)
                advice.append(line)
    result: dict[str, Any] = {
        "level": level,
        "phase": _phase(facts["band"], checkin.day),
        "findings": findings,
        "advice": advice,
    }
    if checkin.incomplete:
        result["field_errors"] = [dict(error) for error in checkin.incomplete]
    return result


@lru_cache(maxsize=4096)
def _level_advice(level: str, day: int) -> tuple[str, ...]:
    """The level's own advice for a day (level advice may only quote {day})."""
    return tuple(line.format(day=day) for line in rule_book().level_advice[level])


@cache
def _phases() -> dict[str, tuple[str, ...]]:
    """Phase by day (0..last listed day) per band; an unknown depth follows band D (TL-08)."""
    last = last_listed_day()
    table = {band.value: tuple(phase_for(band, day) for day in range(last + 1)) for band in Band}
    table["unknown"] = table[Band.D.value]
    return table


def _phase(band: str, day: int) -> str:
    phases = _phases()[band]
    return phases[min(day, len(phases) - 1)]
