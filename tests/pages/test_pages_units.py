"""The pure helpers behind the pages: chart geometry and the check-in form mapping."""

from __future__ import annotations

from needlecare.web.pages import checkin_form as cf
from needlecare.web.pages.charts import BOTTOM, LEFT, RIGHT, TOP, trend_charts
from needlecare.web.pages.forms import safe_next


def _chart(rows: list[dict[str, int]], key: str):  # type: ignore[no-untyped-def]
    return next(chart for chart in trend_charts(rows) if chart.id == f"trend-{key}")


def test_chart_places_days_left_to_right_and_values_bottom_to_top() -> None:
    rows = [{"day": 1, "redness": 3}, {"day": 5, "redness": 0}, {"day": 3, "redness": 1}]
    dots = _chart(rows, "redness").series[0]["dots"]
    assert [d["x"] for d in dots] == [LEFT, (LEFT + RIGHT) / 2, RIGHT]
    assert dots[0]["y"] == TOP and dots[2]["y"] == BOTTOM
    assert _chart(rows, "redness").series[0]["path"].startswith(f"M{float(LEFT)},{float(TOP)} L")


def test_chart_keeps_the_worst_answer_of_a_day() -> None:
    rows = [{"day": 2, "pain": 3}, {"day": 2, "pain": 7}, {"day": 2, "pain": 1}]
    chart = _chart(rows, "pain")
    assert [d["title"] for d in chart.series[0]["dots"]] == ["Day 2: pain 7"]
    assert "day 2: 7" in chart.description


def test_chart_scales_breakout_counts_and_labels_the_top_gridline() -> None:
    chart = _chart([{"day": 0, "breakouts": 0}, {"day": 1, "breakouts": 9}], "breakouts")
    assert chart.gridlines[-1]["label"] == "12"
    assert [g["label"] for g in _chart([{"day": 0, "pain": 1}], "pain").gridlines] == [
        "0",
        "2",
        "4",
        "6",
        "8",
        "10",
    ]


def test_chart_without_answers_says_so() -> None:
    chart = _chart([], "swelling")
    assert chart.points_count == 0
    assert chart.description.startswith("No swelling answers")


def test_blank_check_in_form_is_a_valid_all_clear_answer() -> None:
    parsed = cf.to_symptoms(cf.blank_form())
    assert parsed.errors == {}
    assert parsed.symptoms == {"redness": 0, "swelling": 0, "pain": 0, "itch": 0}


def test_form_answers_become_the_triage_symptoms_object() -> None:
    values = cf.blank_form() | {
        "redness": "2",
        "breakouts_count": "5",
        "breakouts_kind": "pustules",
        "breakouts_outside": "true",
        "fever": "true",
        "products": " Aqua, Retinol ",
    }
    parsed = cf.to_symptoms(values)
    assert parsed.errors == {}
    assert parsed.symptoms["redness"] == 2
    assert parsed.symptoms["breakouts"] == {
        "count": 5,
        "kind": "pustules",
        "outside_treated_area": True,
    }
    assert parsed.symptoms["fever"] is True
    assert "warmth" not in parsed.symptoms  # absent booleans are omitted, per the schema
    assert parsed.products == ["Aqua, Retinol"]


def test_tampered_answers_are_errors_not_guesses() -> None:
    values = cf.blank_form() | {
        "pain": "11",
        "itch": "-1",
        "fever": "maybe",
        "breakouts_count": "x",
    }
    assert set(cf.to_symptoms(values).errors) == {"pain", "itch", "fever", "breakouts_count"}


def test_domain_error_paths_map_to_form_fields() -> None:
    assert cf.field_for("symptoms.redness") == "redness"
    assert cf.field_for("symptoms.breakouts.kind") == "breakouts_kind"
    assert cf.field_for("symptoms.breakouts") == "breakouts_count"
    assert cf.field_for("products.0") == "products"
    assert cf.field_for("day") == "_form"


def test_next_url_must_stay_on_this_site() -> None:
    assert safe_next("/history?x=1") == "/history?x=1"
    for hostile in ("//evil.example", "https://evil.example", "/\\evil.example", None, 3):
        assert safe_next(hostile) is None
