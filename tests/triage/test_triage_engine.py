"""Behaviour of the triage engine: red flags, escalation, plain words, products, output shape."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

import pytest
from checkins import checkins
from hypothesis import given, settings
from hypothesis import strategies as st

from needlecare.knowledge.citations import is_resolvable
from needlecare.triage import LEVELS, triage_checkin
from needlecare.triage.engine import rule_book
from needlecare.triage.validate import FLAGS, SCORES
from needlecare.triage.vocabulary import RED_FLAG_FLOORS

RANK = {level: index for index, level in enumerate(LEVELS)}
TODAY = date(2026, 11, 25)


# Each red flag alone, and the lowest level it may ever get (AE-01, AE-04/05, AE-09, AE-14,
# AE-16; BO-08): the check-in vocabulary's list. Whatever else is reported, never below it.
def level_of(checkin: dict[str, Any]) -> int:
    return RANK[triage_checkin(checkin, TODAY)["level"]]


@settings(max_examples=300, deadline=None)
@given(checkins(), st.sampled_from(sorted(RED_FLAG_FLOORS)))
def test_a_red_flag_is_never_below_its_floor(checkin: dict[str, Any], flag: str) -> None:
    checkin.setdefault("symptoms", {})[flag] = True
    assert level_of(checkin) >= RANK[RED_FLAG_FLOORS[flag]]


@settings(max_examples=200, deadline=None)
@given(checkins())
def test_fever_with_spreading_redness_is_always_urgent(checkin: dict[str, Any]) -> None:
    checkin.setdefault("symptoms", {}).update(fever=True, spreading_redness=True)
    assert triage_checkin(checkin, TODAY)["level"] == "urgent"


@settings(max_examples=300, deadline=None)
@given(checkins(), st.sampled_from(FLAGS))
def test_adding_a_symptom_never_lowers_the_level(checkin: dict[str, Any], flag: str) -> None:
    before = level_of(checkin)
    worse = copy.deepcopy(checkin)
    worse.setdefault("symptoms", {})[flag] = True
    assert level_of(worse) >= before


@settings(max_examples=300, deadline=None)
@given(checkins(), st.sampled_from(sorted(SCORES)), st.integers(1, 10))
def test_a_higher_score_never_lowers_the_level(
    checkin: dict[str, Any], score: str, step: int
) -> None:
    before = level_of(checkin)
    worse = copy.deepcopy(checkin)
    symptoms = worse.setdefault("symptoms", {})
    symptoms[score] = min(SCORES[score], symptoms.get(score, 0) + step)
    assert level_of(worse) >= before


@settings(max_examples=200, deadline=None)
@given(checkins())
def test_output_follows_the_contract(checkin: dict[str, Any]) -> None:
    result = triage_checkin(checkin, TODAY)
    assert list(result) == ["level", "phase", "findings", "advice"]
    assert result["level"] in LEVELS
    assert result["phase"] in ("inflammation", "recovery", "remodelling")
    assert result["findings"] and result["advice"]
    for finding in result["findings"]:
        assert list(finding) == ["code", "text", "source"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", finding["code"])
        assert "{" not in finding["text"]
    assert result == triage_checkin(copy.deepcopy(checkin), TODAY)  # deterministic


def test_every_rule_cites_a_reference_entry_that_exists() -> None:
    book = rule_book()
    citations = {rule.source for rule in book.rules} | {book.fallback["source"]}
    assert citations and all(is_resolvable(c) for c in citations), citations


def test_urgent_says_plainly_to_get_care_now_or_call_emergency_services() -> None:
    result = triage_checkin({"day": 1, "symptoms": {"breathing_difficulty": True}}, TODAY)
    advice = " ".join(result["advice"]).lower()
    assert result["level"] == "urgent"
    assert "medical care today, now" in advice and "emergency services" in advice


@pytest.mark.parametrize("level_case", [
    ({"day": 2, "treatment": {"depth_mm": 1.0}, "symptoms": {"redness": 2}}, "expected"),
    ({"day": 4, "symptoms": {"warmth": True}}, "monitor"),
])  # fmt: skip
def test_non_urgent_advice_has_a_safety_net_and_a_recheck(
    level_case: tuple[dict[str, Any], str],
) -> None:
    checkin, level = level_case
    result = triage_checkin(checkin, TODAY)
    advice = " ".join(result["advice"]).lower()
    assert result["level"] == level
    assert "fever" in advice and "contact your clinic" in advice  # what change means act (TR-03)
    assert "check in again" in advice  # when to re-check


def test_reassuring_answers_never_downgrade_a_red_flag() -> None:
    normal = {"redness": 2, "swelling": 1, "pain": 2}
    base = {
        "day": 1,
        "treatment": {"depth_mm": 1.5, "device": "pen"},
        "profile": {"fitzpatrick": 2},
    }
    flagged = triage_checkin({**base, "symptoms": {**normal, "eye_symptoms": True}}, TODAY)
    assert flagged["level"] == "urgent"
    codes = [f["code"] for f in flagged["findings"]]
    assert codes[0] == "eye_symptoms"  # urgent rules come first
    assert "redness_expected" not in codes  # no "this is expected" next to a red flag


def test_worsening_past_the_expected_window_escalates_but_not_inside_it() -> None:
    pen = {"depth_mm": 1.5, "device": "pen"}
    inside = triage_checkin(
        {"day": 1, "treatment": pen, "symptoms": {"redness": 3, "worsening": True}}, TODAY
    )
    after = triage_checkin(
        {"day": 6, "treatment": pen, "symptoms": {"redness": 1, "worsening": True}}, TODAY
    )
    assert RANK[inside["level"]] < RANK["contact_clinic"] <= RANK[after["level"]]


def test_the_same_redness_is_expected_after_deep_needling_but_not_after_shallow() -> None:
    symptoms = {"redness": 2}
    shallow = triage_checkin(
        {"day": 4, "treatment": {"depth_mm": 0.25}, "symptoms": symptoms}, TODAY
    )
    deep = triage_checkin({"day": 4, "treatment": {"depth_mm": 1.5}, "symptoms": symptoms}, TODAY)
    assert deep["level"] == "expected" and RANK[shallow["level"]] > RANK["expected"]


@pytest.mark.parametrize("history, symptoms, floor", [
    (["hsv"], {"itch": 2}, "contact_clinic"),  # AE-04 prodrome
    (["eczema"], {"blisters_clustered": True}, "urgent"),  # AE-05
    (["immunosuppressed"], {"fever": True}, "urgent"),  # CI-08
    (["diabetes"], {"warmth": True}, "contact_clinic"),  # CI-09 (day 5: warmth past window)
    (["anticoagulants"], {"bleeding": True}, "urgent"),  # CI-05 + AE-13 (day 5)
])  # fmt: skip
def test_profile_lowers_the_threshold(
    history: list[str], symptoms: dict[str, Any], floor: str
) -> None:
    treatment = {"depth_mm": 1.0, "device": "pen", "areas": ["face"]}
    without = triage_checkin({"day": 5, "treatment": treatment, "symptoms": symptoms}, TODAY)
    with_history = triage_checkin(
        {"day": 5, "treatment": treatment, "profile": {"history": history}, "symptoms": symptoms},
        TODAY,
    )
    assert RANK[with_history["level"]] >= RANK[floor] > RANK[without["level"]]


@pytest.mark.parametrize(
    "flag, code",
    [("pregnancy", "pregnancy_clinic_flag"), ("isotretinoin_6mo", "isotretinoin_clinic_flag")],
)
def test_clinic_flags_are_findings_not_alarms(flag: str, code: str) -> None:
    result = triage_checkin(
        {"day": 2, "profile": {"history": [flag]}, "symptoms": {"redness": 1}}, TODAY
    )
    assert code in [f["code"] for f in result["findings"]]
    assert result["level"] == "expected"


def test_breakouts_are_never_called_purging() -> None:
    result = triage_checkin(
        {
            "day": 5,
            "profile": {"acne_prone": True},
            "symptoms": {"breakouts": {"count": 3, "kind": "whiteheads"}},
        },
        TODAY,
    )
    texts = [f["text"] for f in result["findings"]]
    assert any('not "purging"' in text for text in texts)
    assert not any(re.search(r"\b(is|are|this is) purging\b", text, re.I) for text in texts)


def test_missing_breakout_kind_is_read_conservatively() -> None:
    known = {"count": 2, "kind": "whiteheads"}
    base = {"day": 4, "profile": {"acne_prone": True}, "treatment": {"depth_mm": 1.0}}
    assert triage_checkin({**base, "symptoms": {"breakouts": known}}, TODAY)["level"] == "expected"
    assert (
        triage_checkin({**base, "symptoms": {"breakouts": {"count": 2}}}, TODAY)["level"]
        == "monitor"
    )


def test_a_product_used_too_early_is_named_as_a_possible_cause() -> None:
    pytest.importorskip("needlecare.ingredients")
    checkin = {"day": 2, "treatment": {"depth_mm": 1.0}, "products": ["Aqua, Glycerin, Retinol"]}
    quiet = triage_checkin(checkin, TODAY)
    irritated = triage_checkin({**checkin, "symptoms": {"redness": 3, "itch": 2}}, TODAY)
    finding = next(f for f in quiet["findings"] if f["code"] == "product_too_early")
    assert "Retinol" in finding["text"] and "possible cause" in finding["text"]
    assert quiet["level"] == "monitor"
    assert irritated["level"] == "contact_clinic"
    assert "product_too_early_with_reaction" in [f["code"] for f in irritated["findings"]]


def test_the_same_product_is_fine_once_its_window_has_passed() -> None:
    pytest.importorskip("needlecare.ingredients")
    checkin = {"day": 12, "treatment": {"depth_mm": 1.0}, "profile": {"fitzpatrick": 2}}
    result = triage_checkin({**checkin, "products": ["Aqua, Glycerin, Retinol"]}, TODAY)
    assert result["level"] == "expected"


def test_plain_words_inform_and_never_diagnose() -> None:
    book = rule_book()
    diagnosis = re.compile(
        r"\byou (have|got) (an? )?(infection|herpes|granuloma|allergy|dermatitis|cellulitis)", re.I
    )
    for rule in book.rules:
        assert not diagnosis.search(rule.text), rule.code
        sentences = [s for s in re.split(r"[.!?]\s", rule.text) if s.strip()]
        longest = max(len(s.split()) for s in sentences)
        assert longest <= 20, f"{rule.code}: a {longest}-word sentence is too long to read easily"
    signs = [rule for rule in book.rules if rule.level in ("contact_clinic", "urgent")]
    # a sign is described as a sign, or as outside the usual course, never as a named condition
    hedge = re.compile(
        r"can (also )?be (a|the first) sign|not (the )?usual|\b(is|are) not\b"
        r"|should be checked|linked to|more than"
    )
    assert [rule.code for rule in signs if not hedge.search(rule.text)] == []


@settings(max_examples=200, deadline=None)
@given(checkins(), st.integers(1, 20))
def test_more_spots_never_lower_the_level(checkin: dict[str, Any], more: int) -> None:
    spots = checkin.setdefault("symptoms", {}).setdefault("breakouts", {"count": 1})
    spots.setdefault("count", 1)
    before = level_of(checkin)
    spots["count"] += more
    assert level_of(checkin) >= before
