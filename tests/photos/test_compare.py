"""compare() and compare_history(): deltas, plain readings and comparison confidence."""

import copy

import pytest

from needlecare.photos import IncomparableReports, analyze, compare, compare_history, limits

from .synthetic import Scene, encode, grid_spots


@pytest.fixture(scope="module")
def baseline() -> dict:
    return analyze(encode(Scene(skin_lab=(62.0, 10.0, 18.0), noise=2).rgb(), "JPEG"))


@pytest.fixture(scope="module")
def day_two() -> dict:
    spots = grid_spots((150, 100, 600, 500), 2, 2, 8)
    return analyze(encode(Scene(skin_lab=(62.0, 20.0, 18.0), spots=spots, noise=2).rgb(), "JPEG"))


def test_redder_photo_with_spots_against_baseline(baseline: dict, day_two: dict) -> None:
    result = compare(day_two, baseline)
    assert result["delta"]["a_star_mean"] == pytest.approx(10.0, abs=1.5)
    assert result["delta"]["erythema_index_median"] > 5
    assert result["delta"]["spot_count"] == 4
    assert result["reading"] == {"redness": "redder", "spots": "more"}
    assert result["confidence"]["level"] == "high"
    assert "does not diagnose" in result["notice"]


def test_direction_is_current_minus_reference(baseline: dict, day_two: dict) -> None:
    result = compare(baseline, day_two)
    assert result["delta"]["a_star_mean"] < -limits.A_STAR_NOTICEABLE
    assert result["reading"] == {"redness": "less red", "spots": "fewer"}


def test_same_photo_is_no_clear_change(baseline: dict) -> None:
    result = compare(baseline, baseline)
    assert result["delta"]["a_star_mean"] == 0
    assert result["delta"]["spot_count"] == 0
    assert result["reading"] == {"redness": "no clear change", "spots": "same"}
    assert result["noticeable_change"]["citation"]["reference"].startswith("Mahy")


def test_small_change_below_noticeable_difference(baseline: dict) -> None:
    slightly = copy.deepcopy(baseline)
    slightly["redness"]["a_star"]["mean"] += limits.A_STAR_NOTICEABLE - 0.5
    assert compare(slightly, baseline)["reading"]["redness"] == "no clear change"


def test_confidence_is_the_weaker_photo_and_tone_mismatch_lowers_it(baseline: dict) -> None:
    weak = copy.deepcopy(baseline)
    weak["confidence"]["score"] = 0.55
    assert compare(weak, baseline)["confidence"]["score"] == pytest.approx(0.55)
    other_tone = copy.deepcopy(baseline)
    other_tone["skin_tone"]["ita_degrees"] += limits.ITA_SAME_AREA_TOLERANCE + 5
    result = compare(other_tone, baseline)
    assert result["confidence"]["score"] < 1.0
    assert "tone_mismatch" in {r["code"] for r in result["confidence"]["reasons"]}


def test_history_vs_previous_and_baseline(baseline: dict, day_two: dict) -> None:
    history = compare_history(day_two, previous=day_two, baseline=baseline)
    assert history["vs_previous"]["reading"]["redness"] == "no clear change"
    assert history["vs_baseline"]["reading"]["redness"] == "redder"
    assert compare_history(day_two) == {"vs_previous": None, "vs_baseline": None}


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"kind": "something else"},
        {"kind": "needlecare.photo_analysis", "version": 99},
        {"kind": "needlecare.photo_analysis", "version": 1},
    ],
)
def test_not_a_report_is_refused(baseline: dict, broken: dict) -> None:
    with pytest.raises(IncomparableReports):
        compare(broken, baseline)
    with pytest.raises(IncomparableReports):
        compare(baseline, broken)
