"""Never lose a red flag: a check-in with a red flag is triaged whatever else is invalid.

Invalid answers are read on the careful side (reference.md#TR-02): they can raise the level,
never lower it, and each is named in the result's "field_errors".
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from checkins import checkins
from hypothesis import given, settings
from hypothesis import strategies as st

from needlecare.triage import LEVELS, CheckinInvalid, triage_checkin
from needlecare.triage.validate import FLAGS, SCORES
from needlecare.triage.vocabulary import RED_FLAG_FLOORS, red_flags_in

RANK = {level: index for index, level in enumerate(LEVELS)}
TODAY = date(2026, 11, 25)
DEPTHS = (None, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
DEVICES = ("pen", "roller", "rf", "stamp")

# An invalid value for each kind of optional answer, as a client or a tampered form sends it.
INVALID_ANSWERS: dict[str, Any] = {
    **{name: st.sampled_from([-1, top + 1, "high", None, 1.5]) for name, top in SCORES.items()},
    **{name: st.sampled_from(["maybe", None, 1, "yes"])
       for name in FLAGS if name not in RED_FLAG_FLOORS},
    "breakouts": st.sampled_from(
        ["lots", 12, [], {"count": -3}, {"count": "many"}, {"kind": "boils"},
         {"count": 5, "kind": 7}, {"outside_treated_area": "not sure"}, {"count": 4, "size": 2}]
    ),
    "sneezing": st.just(True),  # a field this version does not know
}  # fmt: skip
INVALID_PRODUCTS = st.sampled_from(["retinol", [1], [None, "Aqua"], {"a": 1}])


def level_of(checkin: dict[str, Any], *, keep: bool = False) -> int:
    return RANK[triage_checkin(checkin, TODAY, keep_red_flags=keep)["level"]]


def _alone(flag: str, day: int, depth: float | None, device: str) -> dict[str, Any]:
    treatment: dict[str, Any] = {"device": device}
    if depth is not None:
        treatment["depth_mm"] = depth
    return {"day": day, "treatment": treatment, "symptoms": {flag: True}}


@pytest.mark.parametrize("flag", sorted(RED_FLAG_FLOORS))
def test_each_red_flag_alone_reaches_its_floor_on_every_day_and_depth(flag: str) -> None:
    for day in (0, 1, 2, 3, 5, 8, 15, 30, 120):
        for depth in DEPTHS:
            for device in DEVICES:
                checkin = _alone(flag, day, depth, device)
                assert level_of(checkin) >= RANK[RED_FLAG_FLOORS[flag]], (day, depth, device)


@pytest.mark.parametrize("flag", sorted(set(FLAGS) - set(RED_FLAG_FLOORS)))
def test_the_red_flag_list_is_complete(flag: str) -> None:
    """A yes/no sign that is not in the list sets less than contact_clinic on some day."""
    levels = [
        level_of(_alone(flag, day, depth, device))
        for day in (0, 1, 2, 3, 5, 8, 15, 30, 120)
        for depth in DEPTHS
        for device in DEVICES
    ]
    assert min(levels) < RANK["contact_clinic"]


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(a valid check-in with a red flag, the same with invalid optional answers, the flag)."""
    valid = draw(checkins())
    flag = draw(st.sampled_from(sorted(RED_FLAG_FLOORS)))
    valid.setdefault("symptoms", {})[flag] = True
    broken = copy.deepcopy(valid)
    names = draw(st.lists(st.sampled_from(sorted(INVALID_ANSWERS)), min_size=1, max_size=5))
    for name in names:
        broken["symptoms"][name] = draw(INVALID_ANSWERS[name])
    if draw(st.booleans()):
        broken["products"] = draw(INVALID_PRODUCTS)
    return valid, broken, flag


@settings(max_examples=400, deadline=None)
@given(corrupted())
def test_a_red_flag_is_kept_at_its_floor_whatever_else_is_invalid(
    case: tuple[dict[str, Any], dict[str, Any], str],
) -> None:
    _, broken, flag = case
    with pytest.raises(CheckinInvalid):  # without keep_red_flags: refused as always
        triage_checkin(broken, TODAY)
    result = triage_checkin(broken, TODAY, keep_red_flags=True)
    assert RANK[result["level"]] >= RANK[RED_FLAG_FLOORS[flag]]
    assert RANK[result["level"]] >= RANK["contact_clinic"]  # the clinic is alerted
    assert result["field_errors"], "each invalid answer is named"
    assert "answers_incomplete_with_red_flag" in {f["code"] for f in result["findings"]}


@settings(max_examples=400, deadline=None)
@given(corrupted())
def test_an_invalid_answer_never_lowers_the_level(
    case: tuple[dict[str, Any], dict[str, Any], str],
) -> None:
    """Read on the careful side: at least the level of any valid answer in its place."""
    valid, broken, _ = case
    assert level_of(broken, keep=True) >= level_of(valid)


def test_the_lost_red_flag_of_issue_15_is_kept_with_what_is_known() -> None:
    """Spots 3-5 without a kind, fever, spreading redness and pus: urgent, not refused."""
    checkin = {
        "day": 4,
        "treatment": {"depth_mm": 1.0, "device": "pen"},
        "symptoms": {
            "breakouts": {"count": 5, "outside_treated_area": False},
            "fever": True,
            "spreading_redness": True,
            "pus_or_yellow_crust": True,
        },
    }
    missing = [{"field": "symptoms.breakouts.kind", "message": "Choose what the spots look like."}]
    result = triage_checkin(checkin, TODAY, keep_red_flags=True, missing=missing)
    assert result["level"] == "urgent"
    assert result["field_errors"] == missing
    codes = {f["code"] for f in result["findings"]}
    # the unstated kind is read on the careful side, and the finding says it was not answered
    assert {"fever_with_infection_signs", "fever_with_spots_of_unstated_kind"} <= codes
    assert "fever_with_pus_spots" not in codes


@pytest.mark.parametrize("kind", [None, "pustules", "mixed", "small_red_bumps"])
def test_a_finding_claims_pus_only_when_the_person_said_so(kind: str | None) -> None:
    """Missing information raises the level but is never reported as something the person
    said: spots of an unstated kind are read as if they could hold pus, and say so."""
    breakouts: dict[str, object] = {"count": 3, "outside_treated_area": False}
    if kind is not None:
        breakouts["kind"] = kind
    checkin = {
        "day": 4,
        "treatment": {"depth_mm": 1.0, "device": "pen"},
        "symptoms": {"breakouts": breakouts, "fever": True, "warmth": True},
    }
    result = triage_checkin(checkin, TODAY, keep_red_flags=True)
    assert result["level"] == "urgent"
    texts = [f["text"] for f in result["findings"]]
    said_pus = kind in ("pustules", "mixed")
    assert any("pus-filled spots" in t.lower() for t in texts) == said_pus
    assert any("was not answered" in t for t in texts) == (kind is None)


def test_without_a_red_flag_invalid_input_is_still_refused() -> None:
    checkin = {"day": 4, "symptoms": {"pain": 11, "flaking": True}}
    with pytest.raises(CheckinInvalid) as raised:
        triage_checkin(checkin, TODAY, keep_red_flags=True)
    assert [e["field"] for e in raised.value.errors] == ["symptoms.pain"]
    missing = [{"field": "symptoms.breakouts.kind", "message": "Choose what the spots look like."}]
    with pytest.raises(CheckinInvalid) as raised:
        triage_checkin({"day": 4, "symptoms": {}}, TODAY, keep_red_flags=True, missing=missing)
    assert raised.value.errors == missing


def test_only_a_clear_yes_counts_as_a_red_flag() -> None:
    assert red_flags_in({"fever": "yes", "rash": 1}) == frozenset()
    assert red_flags_in({"fever": True, "flaking": True}) == {"fever"}
    assert red_flags_in(["fever"]) == frozenset()
    with pytest.raises(CheckinInvalid):  # an unclear fever alone is not a kept red flag
        triage_checkin({"day": 2, "symptoms": {"fever": "yes"}}, TODAY, keep_red_flags=True)


def test_records_that_are_not_answers_must_still_be_valid() -> None:
    """Treatment, profile and day come from stored records: no red flag excuses them."""
    checkin = {"day": 2, "treatment": {"device": "laser"}, "symptoms": {"fever": True}}
    with pytest.raises(CheckinInvalid):
        triage_checkin(checkin, TODAY, keep_red_flags=True)
    with pytest.raises(CheckinInvalid):
        triage_checkin({"symptoms": {"fever": True}}, TODAY, keep_red_flags=True)


def test_a_complete_check_in_has_no_field_errors() -> None:
    result = triage_checkin({"day": 2, "symptoms": {"fever": True}}, TODAY, keep_red_flags=True)
    assert "field_errors" not in result
