"""The signs added with issues 15 and 23: a new red-flag answer never lowers a level, and
every new field is validated with an error that names it in plain words."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from checkins import checkins
from hypothesis import given, settings
from hypothesis import strategies as st

from needlecare.triage import LEVELS, CheckinInvalid, triage_checkin, validate_checkin
from needlecare.triage.vocabulary import RED_FLAG_FLOORS, WORSE_CHOICES

RANK = {level: index for index, level in enumerate(LEVELS)}
TODAY = date(2026, 11, 25)

# Every answer that is a red flag, as it is written into a check-in's symptoms.
RED_FLAG_ANSWERS: list[tuple[str, Any]] = [
    *((name, True) for name in sorted(RED_FLAG_FLOORS)),
    ("temperature", {"value": 38.0, "unit": "C"}),
    ("temperature", {"value": 100.4, "unit": "F"}),
    ("temperature", {"value": 39.6, "unit": "C"}),
    ("bleeding_with_pressure", "does_not_stop"),
]


def level_of(checkin: dict[str, Any]) -> int:
    return RANK[triage_checkin(checkin, TODAY)["level"]]


@settings(max_examples=500, deadline=None)
@given(checkins(), st.sampled_from(RED_FLAG_ANSWERS))
def test_adding_a_red_flag_answer_never_lowers_the_level(
    checkin: dict[str, Any], answer: tuple[str, Any]
) -> None:
    before = level_of(checkin)
    worse = copy.deepcopy(checkin)
    name, value = answer
    worse.setdefault("symptoms", {})[name] = value
    after = level_of(worse)
    assert after >= before
    assert after >= RANK["contact_clinic"]  # every red flag reaches the clinic


@settings(max_examples=300, deadline=None)
@given(checkins(), st.sampled_from(WORSE_CHOICES))
def test_saying_one_more_thing_is_worse_never_lowers_the_level(
    checkin: dict[str, Any], name: str
) -> None:
    before = level_of(checkin)
    worse = copy.deepcopy(checkin)
    listed = worse.setdefault("symptoms", {}).setdefault("worse_than_yesterday", [])
    if name not in listed:
        listed.append(name)
    assert level_of(worse) >= before


@settings(max_examples=300, deadline=None)
@given(checkins(), st.text(min_size=1, max_size=200))
def test_free_text_never_lowers_the_level(checkin: dict[str, Any], text: str) -> None:
    before = level_of(checkin)
    said = copy.deepcopy(checkin)
    said.setdefault("symptoms", {})["other"] = text
    assert level_of(said) >= before


@settings(max_examples=300, deadline=None)
@given(checkins())
def test_the_old_global_worsening_is_never_milder_than_any_per_symptom_answer(
    checkin: dict[str, Any],
) -> None:
    symptoms = checkin.setdefault("symptoms", {})
    symptoms.pop("worsening", None)
    per_symptom = level_of(checkin)
    symptoms["worsening"] = True
    assert level_of(checkin) >= per_symptom


@pytest.mark.parametrize(
    "answer, field, words",
    [
        ({"temperature": 38.5}, "symptoms.temperature", '"unit": "C" or "F"'),
        ({"temperature": {"value": 38.5, "unit": "K"}}, "symptoms.temperature.unit", "C or F"),
        ({"temperature": {"value": 3.85, "unit": "C"}}, "symptoms.temperature.value", "30 to 45"),
        ({"temperature": {"value": "hot", "unit": "F"}}, "symptoms.temperature.value", "number"),
        ({"worse_than_yesterday": "pain"}, "symptoms.worse_than_yesterday", "list of"),
        ({"worse_than_yesterday": ["mood"]}, "symptoms.worse_than_yesterday[0]", "one of"),
        ({"bleeding_with_pressure": "sometimes"}, "symptoms.bleeding_with_pressure", "stops"),
        ({"other": 5}, "symptoms.other", "must be text"),
        ({"other": "x" * 2001}, "symptoms.other", "at most 2000"),
        ({"red_streaks": "yes"}, "symptoms.red_streaks", "true or false"),
    ],
)
def test_new_fields_are_validated_with_clear_errors(
    answer: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(CheckinInvalid) as raised:
        validate_checkin({"day": 2, "symptoms": answer}, TODAY)
    errors = {e["field"]: e["message"] for e in raised.value.errors}
    assert field in errors and words in errors[field], errors


def test_a_check_in_from_before_the_new_signs_triages_as_before() -> None:
    """Every new field is optional: an old client's check-in is valid and unchanged."""
    old = {"day": 4, "treatment": {"depth_mm": 1.0}, "symptoms": {"redness": 1, "flaking": True}}
    assert triage_checkin(old, TODAY)["level"] == "expected"
    checkin = validate_checkin(old, TODAY)
    assert (checkin.temperature_c, checkin.other, checkin.worse) == (None, None, frozenset())


def test_a_measured_fever_counts_as_fever_and_a_normal_one_lowers_nothing() -> None:
    measured = {"day": 3, "symptoms": {"temperature": {"value": 100.6, "unit": "F"}}}
    codes = {f["code"] for f in triage_checkin(measured, TODAY)["findings"]}
    assert "fever" in codes
    said = {"day": 3, "symptoms": {"fever": True, "temperature": {"value": 37.0, "unit": "C"}}}
    assert triage_checkin(said, TODAY)["level"] == "contact_clinic"  # the Yes still counts
