"""The daily check-in as a form: form fields <-> triage schema (the questions in plain words:
`checkin_questions.py`).

Field names are flat (`breakouts_count`) because HTML forms are; `to_symptoms` builds the
nested `symptoms` object of the triage schema, and `field_for` maps the domain's dotted
error paths (`symptoms.breakouts.count`) back to the form field that shows the error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from needlecare.i18n import N_, Text
from needlecare.triage.vocabulary import (
    BLEEDING_WITH_PRESSURE,
    MAX_BREAKOUTS,
    MAX_OTHER,
    MAX_TEXT,
    TEMPERATURE_RANGE,
    WORSE_CHOICES,
    red_flags_in,
)
from needlecare.web.pages.checkin_questions import (
    BREAKOUT_COUNT_LABELS,
    BREAKOUT_KIND_VALUES,
    FOLLOW_UP_UNANSWERED,
    FOLLOW_UPS,
    SCORE_MAX,
    UNANSWERED,
    WARNING_SIGNS,
    YES_NO_FIELDS,
)

MAX_PRODUCTS_CHARS = MAX_TEXT
MAX_TYPED_TEMPERATURE = 40  # what is kept of an unreadable temperature


@dataclass
class ParsedCheckin:
    """The answers as the triage schema; an invalid answer is kept as sent (the domain reads
    it on the careful side if a red flag keeps the check-in), a missing one is in `missing`."""

    symptoms: dict[str, Any] = field(default_factory=dict)
    products: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # form field -> message
    missing: dict[str, str] = field(default_factory=dict)  # schema path -> message
    # schema path -> what was typed, for a missing answer that was typed but unreadable
    # ("hot" for a temperature): stored with the check-in's field errors, never lost.
    given: dict[str, str] = field(default_factory=dict)

    @property
    def has_red_flag(self) -> bool:
        """A red flag is always sent, whatever else is missing (never lose a red flag)."""
        return bool(red_flags_in(self.symptoms))


def blank_form() -> dict[str, Any]:
    values: dict[str, Any] = {name: "0" for name in SCORE_MAX}
    values.update(
        {
            name: "" if name in WARNING_SIGNS or name in FOLLOW_UPS else "false"
            for name in YES_NO_FIELDS
        }
    )
    values.update(warning_signs_asked="", no_warning_signs="")
    # "Outside the treated area?" starts unanswered too: a pre-set No answered for the patient.
    values.update(breakouts_count="0", breakouts_kind="", breakouts_outside="", products="")
    values.update(
        temperature_value="", temperature_unit="C", other="", worse="", bleeding_with_pressure=""
    )
    return values


def form_values(form: Mapping[str, Any]) -> dict[str, Any]:
    """What the person sent, as strings, so a re-rendered form keeps every answer."""
    values = blank_form()
    for name in values:
        raw = form.get(name)
        if isinstance(raw, str):
            values[name] = raw
    getlist = getattr(form, "getlist", None)  # several "worse" boxes can be ticked
    if getlist is not None:
        values["worse"] = ",".join(v for v in getlist("worse") if isinstance(v, str))
    return values


_TEMPERATURE = re.compile(
    r"(?P<number>\d{2,3}(?:\.\d+)?)\s*(?:°|º|deg(?:rees)?)?\s*(?P<unit>[cCfF])?"
)


def _yes(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


def to_symptoms(values: Mapping[str, str]) -> ParsedCheckin:
    parsed = ParsedCheckin()
    for name, top in SCORE_MAX.items():
        raw = values.get(name, "")
        if not raw.isdigit() or int(raw) > top:
            parsed.errors[name] = Text("Choose a value from 0 to {top}.", top=top)
            parsed.symptoms[name] = raw
        else:
            parsed.symptoms[name] = int(raw)

    count_raw = values.get("breakouts_count", "0")
    if not count_raw.isdigit() or int(count_raw) > MAX_BREAKOUTS:
        parsed.errors["breakouts_count"] = N_("Choose how many spots you see.")
        parsed.symptoms["breakouts"] = {"count": count_raw}
    elif int(count_raw) > 0:
        breakouts: dict[str, Any] = {"count": int(count_raw)}
        kind = values.get("breakouts_kind", "")
        if kind not in BREAKOUT_KIND_VALUES:
            parsed.errors["breakouts_kind"] = N_("Choose what the spots look like.")
            parsed.missing["symptoms.breakouts.kind"] = parsed.errors["breakouts_kind"]
        else:
            breakouts["kind"] = kind
        raw_outside = values.get("breakouts_outside", "")
        if raw_outside == "" and values.get("warning_signs_asked") != "1":
            raw_outside = "false"  # a page from before it started unanswered: its No
        outside = _yes(raw_outside)
        if raw_outside == "":  # skipped: missing information (raises the level), never No
            parsed.errors["breakouts_outside"] = N_("Answer yes or no.")
            parsed.missing["symptoms.breakouts.outside_treated_area"] = N_("Answer yes or no.")
            parsed.given["symptoms.breakouts.outside_treated_area"] = ""
        elif outside is None:
            parsed.errors["breakouts_outside"] = N_("Answer yes or no.")
            breakouts["outside_treated_area"] = raw_outside  # read on the careful side
        else:
            breakouts["outside_treated_area"] = outside
        parsed.symptoms["breakouts"] = breakouts

    # The form says it asked the warning signs unanswered; a post without that (a page loaded
    # before they were) keeps the old reading of an absent answer as No.
    asked = values.get("warning_signs_asked") == "1"
    none_of_these = values.get("no_warning_signs") == "1"
    for name in YES_NO_FIELDS:
        raw_answer = values.get(name, "false")
        if name in WARNING_SIGNS and raw_answer == "":
            if asked and not none_of_these:
                parsed.errors[name] = UNANSWERED
                parsed.missing[f"symptoms.{name}"] = UNANSWERED
                parsed.given[f"symptoms.{name}"] = ""  # nothing given: left out, never "No"
            continue
        if name in FOLLOW_UPS and raw_answer == "":
            if asked and values.get(FOLLOW_UPS[name]) == "true":  # under a Yes: missing
                parsed.errors[name] = FOLLOW_UP_UNANSWERED
                parsed.missing[f"symptoms.{name}"] = FOLLOW_UP_UNANSWERED
                parsed.given[f"symptoms.{name}"] = ""
            continue  # not asked (its sign is not Yes), or an older page's absent answer: No
        answer = _yes(raw_answer)
        if answer is None:
            parsed.errors[name] = N_("Answer yes or no.")
            parsed.symptoms[name] = raw_answer
        elif answer:  # the schema: booleans default false, omit what is absent
            parsed.symptoms[name] = True

    _more_answers(values, parsed)

    products = values.get("products", "").strip()
    if len(products) > MAX_PRODUCTS_CHARS:
        parsed.errors["products"] = Text(
            "Paste at most {count} characters.", count=format(MAX_PRODUCTS_CHARS, ",")
        )
    if products:
        parsed.products = [products]
    return parsed


def _more_answers(values: Mapping[str, str], parsed: ParsedCheckin) -> None:
    """Temperature, what is worse than yesterday, bleeding with pressure, something else."""
    symptoms = parsed.symptoms
    typed_temperature = values.get("temperature_value", "").strip()
    if typed_temperature:
        unit = values.get("temperature_unit", "C")
        unit = unit if unit in TEMPERATURE_RANGE else "C"
        degrees, unit = _read_temperature(typed_temperature, unit)
        low, high = TEMPERATURE_RANGE[unit]
        if not low <= degrees <= high:
            parsed.errors["temperature_value"] = Text(
                "Write the temperature as a number from {low} to {high} °{unit}, like 38.2.",
                low=format(low, "g"),
                high=format(high, "g"),
                unit=unit,
            )
            parsed.missing["symptoms.temperature"] = parsed.errors["temperature_value"]
            parsed.given["symptoms.temperature"] = typed_temperature[:MAX_TYPED_TEMPERATURE]
        else:
            symptoms["temperature"] = {"value": degrees, "unit": unit}
    worse = [v for v in values.get("worse", "").split(",") if v]
    if any(v not in WORSE_CHOICES for v in worse):
        parsed.errors["worse"] = N_("Tick what is worse than yesterday.")
        symptoms["worse_than_yesterday"] = worse  # the domain reads it as everything worse
    elif worse:
        symptoms["worse_than_yesterday"] = worse
        symptoms.pop("worsening", None)  # said per symptom: the global answer is not needed
    bleeding = values.get("bleeding_with_pressure", "")
    if bleeding:
        symptoms["bleeding_with_pressure"] = bleeding  # the domain checks the value
        if bleeding not in BLEEDING_WITH_PRESSURE:
            parsed.errors["bleeding_with_pressure"] = N_("Choose whether it stops with pressure.")
    elif values.get("bleeding") == "true" and values.get("warning_signs_asked") == "1":
        # Asked under a Yes, like the yes/no follow-ups: whether it stops is what makes bleeding
        # a red flag, so a skipped answer is missing information, never "it stops" (round 3).
        parsed.errors["bleeding_with_pressure"] = N_("Choose whether it stops with pressure.")
        parsed.missing["symptoms.bleeding_with_pressure"] = parsed.errors["bleeding_with_pressure"]
        parsed.given["symptoms.bleeding_with_pressure"] = ""
    other = values.get("other", "").strip()
    if len(other) > MAX_OTHER:
        parsed.errors["other"] = Text(
            "Write at most {count} characters.", count=format(MAX_OTHER, ",")
        )
    if other:
        symptoms["other"] = other[:MAX_OTHER]


def _read_temperature(typed: str, unit: str) -> tuple[float, str]:
    """`38,5`, `38.5C`, `101 °F` -> (degrees, unit): people type the unit with the number, and
    it wins over the buttons. A bare number that no body can have in the buttons' unit but can
    in the other one is read in the other ("103" under the pre-set °C is 103 °F): read as not
    measured, it hid a high fever, an urgent sign (round 3). NaN when it is not a number."""
    text = typed.replace(",", ".")
    written = _TEMPERATURE.fullmatch(text)
    typed_unit = None
    if written is not None:
        text = written["number"]
        typed_unit = written["unit"]
        unit = (typed_unit or unit).upper()
    try:
        degrees = float(text)
    except ValueError:
        return float("nan"), unit
    if written is not None and typed_unit is None:  # a plain number, its unit from the buttons
        other = "F" if unit == "C" else "C"
        low, high = TEMPERATURE_RANGE[unit]
        other_low, other_high = TEMPERATURE_RANGE[other]
        if not low <= degrees <= high and other_low <= degrees <= other_high:
            return degrees, other
    return degrees, unit


def field_for(path: str) -> str:
    """Domain error path -> form field; anything not on the form is a form-level error."""
    parts = path.split(".")
    if parts[0] == "symptoms" and len(parts) >= 2:
        if parts[1] == "breakouts":
            sub = parts[2] if len(parts) > 2 else "count"
            return {
                "count": "breakouts_count",
                "kind": "breakouts_kind",
                "outside_treated_area": "breakouts_outside",
            }.get(sub, "breakouts_count")
        if parts[1] in SCORE_MAX or parts[1] in YES_NO_FIELDS:
            return parts[1]
        more = {
            "temperature": "temperature_value",
            "worse_than_yesterday": "worse",
            "bleeding_with_pressure": "bleeding_with_pressure",
            "other": "other",
        }
        if parts[1].split("[")[0] in more:
            return more[parts[1].split("[")[0]]
    if parts[0] == "products":
        return "products"
    return "_form"


def values_from(
    symptoms: Mapping[str, Any], products: list[Any], field_errors: object = None
) -> dict[str, Any]:
    """A stored check-in's answers as form values (to ask again for what was missing); an
    answer typed but unreadable comes back as typed, next to its error."""
    values = blank_form()
    for name in SCORE_MAX:
        if type(symptoms.get(name)) is int:
            values[name] = str(symptoms[name])
    not_given = {
        str(error.get("field", "")).removeprefix("symptoms.")
        for error in (field_errors if isinstance(field_errors, list) else [])
        if isinstance(error, dict)
    }
    for name in YES_NO_FIELDS:
        if symptoms.get(name) is True:
            values[name] = "true"
        elif name in WARNING_SIGNS and name not in not_given:
            values[name] = "false"  # stored without it: answered No (the schema omits No)
        elif name in FOLLOW_UPS and name not in not_given and symptoms.get(FOLLOW_UPS[name]):
            values[name] = "false"  # asked under a Yes and stored without it: No
    breakouts = symptoms.get("breakouts")
    if isinstance(breakouts, dict):
        count = breakouts.get("count")
        if type(count) is int and count > 0:  # the smallest range that holds it
            tops = sorted(BREAKOUT_COUNT_LABELS)
            values["breakouts_count"] = str(next((t for t in tops if t >= count), tops[-1]))
        if breakouts.get("kind") in BREAKOUT_KIND_VALUES:
            values["breakouts_kind"] = breakouts["kind"]
        outside = breakouts.get("outside_treated_area")
        if type(count) is int and count > 0 and type(outside) is bool:
            values["breakouts_outside"] = "true" if outside else "false"
    values["products"] = "\n\n".join(p for p in products if isinstance(p, str))
    temperature = symptoms.get("temperature")
    if isinstance(temperature, dict):
        values["temperature_value"] = f"{temperature.get('value', '')}"
        values["temperature_unit"] = str(temperature.get("unit", "C"))
    worse = symptoms.get("worse_than_yesterday")
    if isinstance(worse, list):
        values["worse"] = ",".join(str(w) for w in worse)
        if worse:
            values["worsening"] = "true"
    if isinstance(symptoms.get("bleeding_with_pressure"), str):
        values["bleeding_with_pressure"] = symptoms["bleeding_with_pressure"]
    if isinstance(symptoms.get("other"), str):
        values["other"] = symptoms["other"]
    for error in field_errors if isinstance(field_errors, list) else []:
        if isinstance(error, dict) and isinstance(error.get("given"), str):
            name = field_for(str(error.get("field", "")))
            if name == "temperature_value" and error["given"]:
                values[name] = error["given"]
    return values


@dataclass(frozen=True)
class SummaryGroups:
    """Errors sharing one message, shown once in the error summary: twenty-two lines of
    "Choose Yes or No..." pushed the form off a phone's screen (round 3). `counts`: the first
    question of each group -> how many share its message; `hidden`: the others."""

    counts: dict[str, int]
    hidden: frozenset[str]


def summary_groups(errors: Mapping[str, str], at_least: int = 3) -> SummaryGroups:
    by_message: dict[str, list[str]] = {}
    for name, message in errors.items():
        if name != "_form":
            by_message.setdefault(str(message), []).append(name)
    groups = [names for names in by_message.values() if len(names) >= at_least]
    return SummaryGroups(
        {names[0]: len(names) for names in groups},
        frozenset(name for names in groups for name in names[1:]),
    )


def missing_answers(field_errors: object) -> dict[str, str]:
    """A stored check-in's `field_errors` as form field -> what to do (first one first)."""
    found: dict[str, str] = {}
    for error in field_errors if isinstance(field_errors, list) else []:
        name = field_for(str(error.get("field", ""))) if isinstance(error, dict) else "_form"
        if name != "_form" and name not in found:
            # A warning sign left unanswered may still be answered by the one tick "none of the
            # other warning signs": say so, or completing meant twenty taps (round 3).
            left_out = isinstance(error, dict) and error.get("given") == ""
            found[name] = (
                UNANSWERED
                if left_out and name in WARNING_SIGNS
                else N_("This answer was missing or could not be read. Please answer it.")
            )
    return found
