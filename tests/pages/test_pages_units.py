"""The pure helpers behind the pages: the check-in form mapping (charts: tests/charts)."""

from __future__ import annotations

from needlecare.web.pages import checkin_form as cf
from needlecare.web.pages.forms import safe_next


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
