"""validate_checkin: every bad field is named in words a person can act on; never a crash."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from checkins import checkins
from hypothesis import given, settings
from hypothesis import strategies as st

from needlecare.triage import CheckinInvalid, validate_checkin

TODAY = date(2026, 11, 25)


def errors_of(payload: Any, today: date | None = TODAY) -> dict[str, str]:
    with pytest.raises(CheckinInvalid) as raised:
        validate_checkin(payload, today)
    assert str(raised.value)  # a readable one-line summary
    return {error["field"]: error["message"] for error in raised.value.errors}


def test_each_bad_field_is_named_at_once() -> None:
    errors = errors_of(
        {
            "treatment": {"date": "2026-13-01", "depth_mm": "deep", "device": "laser",
                          "areas": ["face", "toes"]},
            "profile": {"fitzpatrick": 7, "acne_prone": "yes", "history": ["hsv", "flu"]},
            "day": -1,
            "symptoms": {"redness": 4, "pain": 2.5, "fever": "true", "sneezing": True,
                         "breakouts": {"count": -3, "kind": "boils", "colour": "red"}},
            "products": "retinol",
            "extra": 1,
        }
    )  # fmt: skip
    assert set(errors) == {
        "treatment.date", "treatment.depth_mm", "treatment.device", "treatment.areas[1]",
        "profile.fitzpatrick", "profile.acne_prone", "profile.history[1]", "day",
        "symptoms.redness", "symptoms.pain", "symptoms.fever", "symptoms.sneezing",
        "symptoms.breakouts.count", "symptoms.breakouts.kind", "symptoms.breakouts.colour",
        "products", "extra",
    }  # fmt: skip
    assert "from 0 to 3" in errors["symptoms.redness"] and "4" in errors["symptoms.redness"]
    assert "true or false" in errors["symptoms.fever"]
    assert "not a known field" in errors["extra"]
    assert "YYYY-MM-DD" in errors["treatment.date"]


@pytest.mark.parametrize(
    "field, value", [("redness", True), ("itch", 1.0), ("pain", "3"), ("swelling", None)]
)
def test_scores_must_be_whole_numbers_not_booleans_or_text(field: str, value: Any) -> None:
    assert f"symptoms.{field}" in errors_of({"day": 1, "symptoms": {field: value}})


def test_a_future_treatment_date_is_refused() -> None:
    errors = errors_of({"treatment": {"date": "2026-12-01"}, "day": 1})
    assert "future" in errors["treatment.date"]


def test_the_day_is_counted_from_the_treatment_date_when_not_given() -> None:
    checkin = validate_checkin({"treatment": {"date": "2026-11-20"}}, TODAY)
    assert checkin.day == 5


def test_a_day_is_needed_one_way_or_the_other() -> None:
    assert "day" in errors_of({"symptoms": {}}, today=None)
    assert "day" in errors_of({"treatment": {"date": "2026-11-20"}}, today=None)


def test_defaults_fill_what_is_absent() -> None:
    checkin = validate_checkin({"day": 3}, TODAY)
    assert checkin.scores == {"redness": 0, "swelling": 0, "pain": 0, "itch": 0}
    assert checkin.flags == frozenset() and not checkin.acne_prone and checkin.fitzpatrick is None


@pytest.mark.parametrize(
    "payload", [None, [], "check-in", 3, {"day": 3, "symptoms": []}, {"day": 3, "profile": "x"}]
)
def test_non_objects_get_a_clear_error(payload: Any) -> None:
    assert errors_of(payload)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
field_names = st.sampled_from(
    ["treatment", "profile", "day", "symptoms", "products", "date", "redness"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_values, st.dictionaries(field_names, json_values, max_size=5)))
def test_the_validator_never_crashes_on_arbitrary_json(payload: Any) -> None:
    try:
        validate_checkin(payload, TODAY)
    except CheckinInvalid as problem:
        assert problem.errors and all(set(e) == {"field", "message"} for e in problem.errors)


@settings(max_examples=200, deadline=None)
@given(checkins())
def test_every_valid_checkin_is_accepted(payload: dict[str, Any]) -> None:
    assert validate_checkin(payload, TODAY).day == payload["day"]


def test_python_dates_and_datetimes_are_accepted_from_callers() -> None:
    from datetime import datetime

    assert validate_checkin({"treatment": {"date": datetime(2026, 11, 20, 9, 30)}}, TODAY).day == 5
    assert validate_checkin({"treatment": {"date": date(2026, 11, 21)}}, TODAY).day == 4
