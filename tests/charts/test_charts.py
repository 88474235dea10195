"""What the one chart module draws and says: values, axes, missing days, text alternatives."""

from __future__ import annotations

from xml.etree import ElementTree

from needlecare.charts import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    Chart,
    Measure,
    chart,
    measure_value,
    symptom_charts,
    value_ticks,
)

NS = "{http://www.w3.org/2000/svg}"


def _symptom(checkins: list[tuple[int, dict[str, object]]], key: str) -> Chart:
    return next(c for c in symptom_charts(checkins) if c.key == key)


def _svg(c: Chart) -> ElementTree.Element:
    return ElementTree.fromstring(c.svg)  # well-formed, or this raises


def _dots(c: Chart) -> list[tuple[float, float, str]]:
    return [
        (float(d.get("cx", "")), float(d.get("cy", "")), d.findtext(f"{NS}title") or "")
        for d in _svg(c).iter(f"{NS}circle")
    ]


def _lines(c: Chart) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, pair.split(","))) for pair in line.get("points", "").split()]  # type: ignore[misc]
        for line in _svg(c).iter(f"{NS}polyline")
    ]


def _labels(c: Chart, anchor: str) -> list[str]:
    return [t.text or "" for t in _svg(c).iter(f"{NS}text") if t.get("text-anchor") == anchor]


def test_days_go_left_to_right_and_values_bottom_to_top() -> None:
    redness = _symptom([(0, {"redness": 3}), (7, {"redness": 0}), (3, {"redness": 1})], "redness")
    dots = _dots(redness)
    assert [title for _, _, title in dots] == [
        "Day 0: redness 3",
        "Day 3: redness 1",
        "Day 7: redness 0",
    ]
    assert [x for x, _, _ in dots] == [LEFT, round(LEFT + (RIGHT - LEFT) * 3 / 7, 1), RIGHT]
    assert [y for _, y, _ in dots] == [TOP, round(BOTTOM - (BOTTOM - TOP) / 3, 1), BOTTOM]
    assert redness.points == ((0, 3), (3, 1), (7, 0))


def test_the_text_alternative_says_every_value_and_is_wired_to_the_svg() -> None:
    pain = _symptom([(1, {"pain": 2}), (2, {"pain": 5})], "pain")
    root = _svg(pain)
    assert root.get("role") == "img"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    assert root.find(f"{NS}title[@id='{title_id}']") is not None
    desc = root.find(f"{NS}desc[@id='{desc_id}']")
    assert desc is not None and desc.text == pain.description
    assert (
        pain.description == "Pain (0 none to 10 worst) by day after treatment. day 1: 2, day 2: 5."
    )
    assert pain.rows == [(1, "2"), (2, "5")]


def test_a_day_with_several_check_ins_shows_its_worst_answer() -> None:
    pain = _symptom([(2, {"pain": 3}), (2, {"pain": 7}), (2, {"pain": 1})], "pain")
    assert [title for _, _, title in _dots(pain)] == ["Day 2: pain 7"]
    assert "day 2: 7" in pain.description


def test_an_unanswered_measure_is_a_missing_point_not_a_zero() -> None:
    swelling = _symptom(
        [(1, {"swelling": 2}), (2, {"redness": 1}), (3, {"swelling": 1})], "swelling"
    )
    assert swelling.points == ((1, 2), (3, 1))
    assert measure_value({}, "redness") is None
    assert measure_value({"fever": True}, "fever") is None  # a flag is not a score
    assert measure_value({"breakouts": {"kind": "milia"}}, "breakouts") is None
    assert measure_value({"breakouts": {"count": 4}}, "breakouts") == 4


def test_a_check_in_without_spots_charts_zero_spots_and_a_countless_report_no_point() -> None:
    checkins: list[tuple[int, dict[str, object]]] = [
        (0, {"redness": 1}),
        (1, {"breakouts": {"kind": "milia"}}),
        (2, {"breakouts": {"count": 3}}),
    ]
    assert _symptom(checkins, "breakouts").points == ((0, 0), (2, 3))


def test_missing_days_break_the_line_and_are_named() -> None:
    checkins = [(d, {"redness": 1}) for d in (0, 1, 2, 5, 7, 8)]
    redness = _symptom(checkins, "redness")
    assert redness.missing_days == (3, 4, 6)
    assert [len(line) for line in _lines(redness)] == [3, 2]  # day 5 stands alone: a dot only
    assert len(_dots(redness)) == 6
    assert redness.missing_note == "No answer on days 3-4 and 6."
    assert redness.description.endswith("No answer on days 3-4 and 6.")


def test_fixed_scales_and_data_scaled_counts_label_their_gridlines() -> None:
    assert _labels(_symptom([(0, {"redness": 1})], "redness"), "end") == ["0", "1", "2", "3"]
    assert _labels(_symptom([(0, {"pain": 1})], "pain"), "end") == ["0", "2", "4", "6", "8", "10"]
    spots = _symptom(
        [(0, {"breakouts": {"count": 0}}), (1, {"breakouts": {"count": 9}})], "breakouts"
    )
    assert _labels(spots, "end") == ["0", "2", "4", "6", "8", "10"]
    many = _symptom([(0, {"breakouts": {"count": 230}})], "breakouts")
    assert _labels(many, "end")[-1] == "250" and len(_labels(many, "end")) <= 7


def test_the_day_axis_shows_the_first_week_at_least_then_spaces_its_labels() -> None:
    early = _symptom([(1, {"redness": 1})], "redness")
    assert _labels(early, "middle")[:-1] == [str(d) for d in range(8)]
    assert _labels(early, "middle")[-1] == "day after treatment"
    late = _symptom([(60, {"redness": 1})], "redness")
    assert _labels(late, "middle")[:-1] == ["0", "7", "14", "21", "28", "35", "42", "49", "56"]


def test_a_scale_that_hugs_the_data_keeps_every_value_inside_it() -> None:
    colour = Measure("a_star", "Redness in the photo", "mean a*", from_zero=False, keep="last")
    ticks = value_ticks(colour, [12.4, 15.1])
    assert ticks[0] <= 12.4 and ticks[-1] >= 15.1 and ticks[0] > 0
    photo = chart(colour, [(3, 12.4), (3, 13.0), (9, 15.1)], "p-a_star")
    assert photo.points == ((3, 13.0), (9, 15.1))  # several photos on a day: the last
    assert all(TOP <= y <= BOTTOM for _, y, _ in _dots(photo))


def test_joined_series_bridge_gaps_without_calling_them_missing() -> None:
    spots = Measure("spots", "Spot candidates", "count", keep="last", join_gaps=True)
    photo = chart(spots, [(1, 4), (8, 2)], "p-spots")
    assert [len(line) for line in _lines(photo)] == [2]
    assert photo.missing_note == "" and "No answer" not in photo.description


def test_no_values_says_so_and_draws_no_point() -> None:
    empty = _symptom([], "swelling")
    assert empty.points == () and not _dots(empty)
    assert empty.description == "No swelling answers yet: the chart appears after the first one."


def test_labels_are_escaped() -> None:
    odd = Measure("redness", "Red <b>&</b>", "a < b")
    c = chart(odd, [(1, 1)], 'x"y')
    root = _svg(c)
    assert root.findtext(f"{NS}title") == "Red <b>&</b>"
    assert "<b>" not in c.svg
