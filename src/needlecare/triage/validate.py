"""Hand-written validator for a daily check-in (the exact input schema of issue 4).

Hand-written rather than generated so that it is fast (triage is benchmarked at >= 20,000
check-ins per second) and so that every error names its field in words a person can act on.
It collects every problem, never stopping at the first, and never raises anything but
CheckinInvalid, whatever JSON it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from needlecare.knowledge.bands import DEVICES, MAX_DEPTH_MM
from needlecare.triage.field_checks import Collector, describe, parse_date
from needlecare.triage.vocabulary import (
    AREAS,
    BLEEDING_WITH_PRESSURE,
    BREAKOUT_KINDS,
    FLAGS,
    HISTORY,
    MAX_BREAKOUTS,
    MAX_DAY,
    MAX_OTHER,
    MAX_PRODUCTS,
    MAX_TEXT,
    SCORES,
    TEMPERATURE_RANGE,
    WORSE_CHOICES,
    red_flags_in,
)

__all__ = [
    "AREAS", "BREAKOUT_KINDS", "FLAGS", "HISTORY", "MAX_BREAKOUTS", "MAX_DAY", "MAX_PRODUCTS",
    "MAX_TEXT", "SCORES", "Checkin", "CheckinInvalid", "validate_checkin",
]  # fmt: skip

_TOP = frozenset({"treatment", "profile", "day", "symptoms", "products"})
_TREATMENT = frozenset({"date", "depth_mm", "device", "areas", "serum"})
_PROFILE = frozenset({"fitzpatrick", "acne_prone", "history"})
_MORE = ("temperature", "other", "worse_than_yesterday", "bleeding_with_pressure")
_SYMPTOMS = frozenset({*SCORES, *FLAGS, "breakouts", *_MORE})
_BREAKOUTS = frozenset({"count", "kind", "outside_treated_area"})
_FLAG_SET = frozenset(FLAGS)
_ZERO_SCORES = dict.fromkeys(SCORES, 0)


class CheckinInvalid(ValueError):
    """The check-in does not follow the schema; `.errors` names each bad field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class Checkin:
    """A validated check-in with defaults filled in; None means "not given"."""

    day: int
    treatment_date: date | None
    depth_mm: float | None
    device: str | None
    areas: frozenset[str] | None
    serum: str | None
    fitzpatrick: int | None
    acne_prone: bool
    history: frozenset[str]
    history_given: bool
    scores: dict[str, int]
    flags: frozenset[str]
    breakouts_count: int | None  # None: breakouts reported without a count
    breakouts_kind: str | None
    breakouts_outside: bool
    breakouts_reported: bool
    products: tuple[str, ...]
    temperature_c: float | None = None  # measured, in °C
    other: str | None = None  # "something else", in the person's words
    worse: frozenset[str] = frozenset()  # worse than yesterday, per symptom
    bleeding_with_pressure: str | None = None  # stops | does_not_stop
    # Answers that were invalid, kept because a red flag was given (keep_red_flags): each
    # {"field", "message"}; the values were read on the careful side (see validate_checkin).
    incomplete: tuple[dict[str, str], ...] = ()


def _temperature(errors: Collector, value: object) -> float | None:
    field = "symptoms.temperature"
    if not isinstance(value, dict) or set(value) != {"value", "unit"}:
        errors.add(field, 'must be {"value": a number, "unit": "C" or "F"}')
        return None
    unit, number = value["unit"], value["value"]
    if unit not in TEMPERATURE_RANGE:
        errors.add(f"{field}.unit", f"must be C or F, not {describe(unit)}")
        return None
    low, high = TEMPERATURE_RANGE[unit]
    if isinstance(number, bool) or not isinstance(number, (int, float)) or number != number:
        errors.add(f"{field}.value", f"must be a number of degrees, not {describe(number)}")
        return None
    if not low <= number <= high:
        errors.add(f"{field}.value", f"must be from {low:g} to {high:g} °{unit}, not {number}")
        return None
    return float(number) if unit == "C" else (float(number) - 32) * 5 / 9


def _more_answers(
    errors: Collector, more: dict[str, Any]
) -> tuple[float | None, str | None, frozenset[str], str | None]:
    """temperature, other, worse_than_yesterday, bleeding_with_pressure; an invalid answer is
    read on the careful side (worse: everything; bleeding: does not stop)."""
    temperature = _temperature(errors, more["temperature"]) if "temperature" in more else None
    other = None
    if "other" in more:
        other = errors.text("symptoms.other", more["other"])
        if other is not None and len(other) > MAX_OTHER:
            errors.add("symptoms.other", f"is too long (at most {MAX_OTHER} characters)")
            other = other[:MAX_OTHER]
    worse: frozenset[str] = frozenset()
    if "worse_than_yesterday" in more:
        found = len(errors.errors)
        worse = errors.choices(
            "symptoms.worse_than_yesterday", more["worse_than_yesterday"], WORSE_CHOICES
        )
        if len(errors.errors) > found:
            worse = frozenset(WORSE_CHOICES)
    bleeding = None
    if "bleeding_with_pressure" in more:
        bleeding = errors.choice(
            "symptoms.bleeding_with_pressure",
            more["bleeding_with_pressure"],
            tuple(BLEEDING_WITH_PRESSURE),
        )
        bleeding = bleeding or "does_not_stop"
    return temperature, other, worse, bleeding


def _salvageable(errors: list[dict[str, str]]) -> bool:
    """Only the person's answers (symptoms, products) may be invalid in a kept check-in; the
    treatment, profile and day come from stored records and must be right."""
    return all(e["field"].startswith(("symptoms.", "products")) for e in errors)


def validate_checkin(
    payload: Any,
    today: date | None = None,
    *,
    keep_red_flags: bool = False,
    missing: Sequence[dict[str, str]] = (),
) -> Checkin:
    """Validate and normalise a check-in; raise CheckinInvalid naming every bad field.

    The day is taken as given; without it, it is counted from treatment.date to `today`.
    A treatment date after `today` is an error. Nothing else depends on the clock.

    With `keep_red_flags`, a check-in that answers Yes to a red flag is never refused for an
    invalid answer: the invalid answers are listed in `.incomplete` and read on the careful
    side (a score as its highest value, a yes/no as yes, a spot count as "some", a spot kind
    as unknown, "outside the treated area" as yes), so they can raise a level, never lower it
    (reference.md#TR-02). Without a red flag, invalid input is refused as always.
    `missing`: answers the caller found missing or invalid ({"field", "message"}), treated
    the same way (the caller has already left them out or read them on the careful side).
    """
    errors = Collector()
    if not isinstance(payload, dict):
        errors.add("(check-in)", f"must be a JSON object, not {describe(payload)}")
        raise CheckinInvalid(errors.errors)
    errors.unknown("", payload, _TOP)

    treatment = errors.section(payload, "treatment")
    errors.unknown("treatment.", treatment, _TREATMENT)
    treatment_date = None
    if "date" in treatment:
        treatment_date = parse_date(errors, "treatment.date", treatment["date"])
        if treatment_date is not None and today is not None and treatment_date > today:
            errors.add("treatment.date", f"{treatment_date} is in the future (today is {today})")
    depth = None
    if "depth_mm" in treatment:
        raw = treatment["depth_mm"]
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw != raw:
            errors.add(
                "treatment.depth_mm", f"must be a number of millimetres, not {describe(raw)}"
            )
        elif not 0 < raw <= MAX_DEPTH_MM:
            errors.add(
                "treatment.depth_mm", f"must be above 0 and at most {MAX_DEPTH_MM} mm, not {raw}"
            )
        else:
            depth = float(raw)
    device = (
        errors.choice("treatment.device", treatment["device"], DEVICES)
        if "device" in treatment
        else None
    )
    areas = (
        errors.choices("treatment.areas", treatment["areas"], AREAS)
        if "areas" in treatment
        else None
    )
    serum = errors.text("treatment.serum", treatment["serum"]) if "serum" in treatment else None

    profile = errors.section(payload, "profile")
    errors.unknown("profile.", profile, _PROFILE)
    fitzpatrick = (
        errors.integer("profile.fitzpatrick", profile["fitzpatrick"], 1, 6)
        if "fitzpatrick" in profile
        else None
    )
    acne_prone = (
        errors.boolean("profile.acne_prone", profile["acne_prone"])
        if "acne_prone" in profile
        else False
    )
    history = (
        errors.choices("profile.history", profile["history"], HISTORY)
        if "history" in profile
        else frozenset()
    )

    day = None
    if "day" in payload:
        day = errors.integer("day", payload["day"], 0, MAX_DAY)
    elif treatment_date is not None and today is not None:
        if treatment_date <= today:
            day = (today - treatment_date).days
    elif not errors.errors:
        errors.add("day", "is missing: give the day since treatment, or treatment.date")

    symptoms = errors.section(payload, "symptoms")
    scores = dict(_ZERO_SCORES)
    flags = set()
    breakouts: Any = None
    more: dict[str, Any] = {}
    # Fast path for well-formed values; the collector only runs to describe a problem.
    for name, value in symptoms.items():
        limit = SCORES.get(name)
        if limit is not None:
            if type(value) is int and 0 <= value <= limit:
                scores[name] = value
            else:
                errors.integer(f"symptoms.{name}", value, 0, limit)
                scores[name] = limit  # read on the careful side if kept (keep_red_flags)
        elif name in _FLAG_SET:
            if value is True:
                flags.add(name)
            elif value is not False:
                errors.boolean(f"symptoms.{name}", value)
                flags.add(name)  # an unclear answer to a yes/no question is read as yes
        elif name == "breakouts":
            breakouts = value
        elif name in _MORE:
            more[name] = value
        else:
            errors.unknown("symptoms.", {name: value}, _SYMPTOMS)
    count: int | None = 0
    kind: str | None = None
    outside = reported = False
    if breakouts is not None or "breakouts" in symptoms:
        if not isinstance(breakouts, dict):
            errors.add("symptoms.breakouts", f"must be an object, not {describe(breakouts)}")
            count, outside, reported = None, True, True  # spots of unknown count and place
        else:
            errors.unknown("symptoms.breakouts.", breakouts, _BREAKOUTS)
            reported = True
            if "count" in breakouts:
                given = errors.integer(
                    "symptoms.breakouts.count", breakouts["count"], 0, MAX_BREAKOUTS
                )
                count = None if given is None else given  # invalid: read as "some"
            else:
                count = None  # spots reported without a count: read as "some"
            if "kind" in breakouts:
                kind = errors.choice("symptoms.breakouts.kind", breakouts["kind"], BREAKOUT_KINDS)
            if "outside_treated_area" in breakouts:
                raw_outside = breakouts["outside_treated_area"]
                outside = errors.boolean("symptoms.breakouts.outside_treated_area", raw_outside)
                if type(raw_outside) is not bool:
                    outside = True  # unclear: read as yes

    temperature_c, other, worse, bleeding_with_pressure = _more_answers(errors, more)

    products: list[str] = []
    if "products" in payload:
        raw_products = payload["products"]
        if not isinstance(raw_products, list):
            errors.add(
                "products",
                f"must be a list of ingredient lists (text), not {describe(raw_products)}",
            )
        elif len(raw_products) > MAX_PRODUCTS:
            errors.add("products", f"has {len(raw_products)} entries; at most {MAX_PRODUCTS}")
        else:
            for index, item in enumerate(raw_products):
                text = errors.text(f"products[{index}]", item)
                if text is not None:
                    products.append(text)

    incomplete: tuple[dict[str, str], ...] = ()
    problems = [dict(error) for error in missing] + errors.errors
    if problems:
        kept = (
            keep_red_flags
            and day is not None
            and _salvageable(errors.errors)
            and bool(red_flags_in(symptoms))
        )
        if not kept:
            raise CheckinInvalid(problems)
        incomplete = tuple(problems)
    if day is None:
        raise CheckinInvalid(errors.errors)
    return Checkin(
        day=day,
        treatment_date=treatment_date,
        depth_mm=depth,
        device=device,
        areas=areas,
        serum=serum,
        fitzpatrick=fitzpatrick,
        acne_prone=acne_prone,
        history=history,
        history_given="history" in profile,
        scores=scores,
        flags=frozenset(flags),
        breakouts_count=count,
        breakouts_kind=kind,
        breakouts_outside=outside,
        breakouts_reported=reported and count != 0,
        products=tuple(products),
        temperature_c=temperature_c,
        other=other,
        worse=worse,
        bleeding_with_pressure=bleeding_with_pressure,
        incomplete=incomplete,
    )
