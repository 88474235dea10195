"""build_timeline: the issue-4 JSON shape, phases per band, windows from the one windows file."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlecare.knowledge.bands import Band
from needlecare.knowledge.citations import is_resolvable
from needlecare.knowledge.schema import schema_errors
from needlecare.knowledge.windows import window
from needlecare.timeline import TimelineInvalid, build_timeline
from needlecare.timeline.content import raw_document

PHASE_ORDER = ("inflammation", "recovery", "remodelling")
DEPTH_FOR = {
    Band.S: (0.25, "pen"),
    Band.M: (0.75, "pen"),
    Band.D: (1.5, "pen"),
    Band.VD: (2.5, "pen"),
    Band.RF: (2.0, "rf"),
}


def timeline(band: Band = Band.D, fitzpatrick: int | None = 2, **extra: Any) -> dict[str, Any]:
    depth, device = DEPTH_FOR[band]
    treatment: dict[str, Any] = {"date": "2026-11-20", "depth_mm": depth, "device": device, **extra}
    if fitzpatrick is not None:
        treatment["fitzpatrick"] = fitzpatrick
    return build_timeline(treatment, date(2026, 11, 25))


def test_the_shape_is_the_contract() -> None:
    result = timeline()
    assert list(result) == ["treatment", "today", "days"]
    assert result["today"] == 5
    assert [day["day"] for day in result["days"]] == list(range(43))
    first = date(2026, 11, 20)
    for day in result["days"]:
        assert list(day) == ["day", "date", "phase", "expected", "care", "avoid", "sources"]
        assert day["date"] == (first + timedelta(days=day["day"])).isoformat()
        assert day["expected"] and day["sources"]


def test_today_is_null_without_a_date() -> None:
    assert build_timeline({"date": "2026-11-20", "depth_mm": 1.0, "device": "pen"})["today"] is None


@pytest.mark.parametrize("band", list(Band))
def test_phases_move_forward_only_and_every_source_resolves(band: Band) -> None:
    days = timeline(band)["days"]
    order = [PHASE_ORDER.index(day["phase"]) for day in days]
    assert order == sorted(order) and order[0] == 0 and order[-1] == 2
    assert all(is_resolvable(source) for day in days for source in day["sources"])


def first_day_of(band: Band, phase: str) -> int:
    return next(day["day"] for day in timeline(band)["days"] if day["phase"] == phase)


def test_deeper_needling_and_rf_heal_slower() -> None:
    remodelling = {band: first_day_of(band, "remodelling") for band in Band}
    recovery = {band: first_day_of(band, "recovery") for band in Band}
    assert remodelling[Band.S] <= remodelling[Band.M] <= remodelling[Band.D] <= remodelling[Band.VD]
    assert recovery[Band.S] <= recovery[Band.M] <= recovery[Band.D] <= recovery[Band.VD]
    assert remodelling[Band.RF] >= remodelling[Band.D]


@pytest.mark.parametrize("band", list(Band))
@pytest.mark.parametrize("activity", ["makeup", "exercise", "swimming_and_sauna", "direct_sun"])
def test_activities_are_avoided_until_the_window_says_so(band: Band, activity: str) -> None:
    item = window(activity)
    resume = item.resume_day(band)
    days = timeline(band)["days"]
    mentions = [any(item.label in text for text in day["avoid"]) for day in days]
    assert mentions == [day < resume for day in range(len(days))]
    assert any(item.label in text for text in days[resume]["care"])  # said on the day it returns
    assert f"Not before day {resume}" in next(t for t in days[0]["avoid"] if item.label in t)


def test_products_follow_the_windows_too() -> None:
    days = timeline(Band.M)["days"]
    retinoid = window("retinoid")
    assert any(retinoid.label in text for text in days[retinoid.resume_day(Band.M) - 1]["avoid"])
    assert not any(retinoid.label in text for text in days[retinoid.resume_day(Band.M)]["avoid"])


@pytest.mark.parametrize(
    "fitzpatrick, warned", [(1, False), (3, False), (4, True), (6, True), (None, True)]
)
def test_darker_skin_types_get_pigment_messages(fitzpatrick: int | None, warned: bool) -> None:
    days = timeline(Band.D, fitzpatrick)["days"]
    pih_care = [day for day in days if any("Darker skin" in text for text in day["care"])]
    pih_watch = [day for day in days if any("brown or grey patches" in t for t in day["expected"])]
    assert bool(pih_care) is warned and bool(pih_watch) is warned
    if warned:
        assert (
            "reference.md#AE-10" in days[14]["sources"]
            and "reference.md#CI-12" in days[0]["sources"]
        )


@pytest.mark.parametrize("treatment, field", [
    ({"date": "2026-02-30", "depth_mm": 1.0, "device": "pen"}, "date"),
    ({"date": "2026-11-20", "depth_mm": 0, "device": "pen"}, "depth_mm"),
    ({"date": "2026-11-20", "depth_mm": "1", "device": "pen"}, "depth_mm"),
    ({"date": "2026-11-20", "depth_mm": 1.0, "device": "laser"}, "device"),
    ({"date": "2026-11-20", "depth_mm": 1.0, "device": "pen", "fitzpatrick": 7}, "fitzpatrick"),
    ({"date": "2026-11-20", "depth_mm": 1.0, "device": "pen", "colour": "blue"}, "colour"),
])  # fmt: skip
def test_bad_treatments_name_the_field(treatment: dict[str, Any], field: str) -> None:
    with pytest.raises(TimelineInvalid) as raised:
        build_timeline(treatment)
    assert [error["field"] for error in raised.value.errors] == [field]


def test_the_content_file_follows_its_schema() -> None:
    document = raw_document()
    assert schema_errors(document, "needlecare.timeline", "timeline.schema.json") == []
    for band in document["bands"].values():
        untils = [period.get("until") for period in band["periods"]]
        assert untils[-1] is None and untils[:-1] == sorted(untils[:-1])


@settings(max_examples=100, deadline=None)
@given(
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.floats(0.1, 4.0),
    st.sampled_from(["pen", "roller", "rf", "stamp"]),
    st.none() | st.integers(1, 6),
)
def test_any_valid_treatment_gives_43_dated_days(
    when: date, depth: float, device: str, fitz: int | None
) -> None:
    treatment: dict[str, Any] = {"date": when.isoformat(), "depth_mm": depth, "device": device}
    if fitz is not None:
        treatment["fitzpatrick"] = fitz
    days = build_timeline(treatment)["days"]
    assert len(days) == 43 and days[42]["date"] == (when + timedelta(days=42)).isoformat()
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", day["date"]) for day in days)
