"""The check-in's temperature as people type it (pure: the form's parsing, no database)."""

from __future__ import annotations

import pytest

from needlecare.web.pages import checkin_form as cf


def _read(typed: str, unit: str = "C") -> cf.ParsedCheckin:
    values = cf.blank_form()
    values.update(fever="true", temperature_value=typed, temperature_unit=unit)
    return cf.to_symptoms(values)


@pytest.mark.parametrize(
    ("typed", "buttons", "expected"),
    [
        ("38.4", "C", {"value": 38.4, "unit": "C"}),
        ("38,4", "C", {"value": 38.4, "unit": "C"}),
        ("38.5C", "C", {"value": 38.5, "unit": "C"}),
        ("38,5 °c", "F", {"value": 38.5, "unit": "C"}),  # the unit typed wins over the buttons
        ("101 °F", "C", {"value": 101.0, "unit": "F"}),
        ("101.2F", "C", {"value": 101.2, "unit": "F"}),
        # A bare number no body has in the buttons' unit is read in the other (round 3:
        # "103" under the pre-set °C was "not measured", and its high fever was lost).
        ("103", "C", {"value": 103.0, "unit": "F"}),
        ("101,5", "C", {"value": 101.5, "unit": "F"}),
        ("38.9", "F", {"value": 38.9, "unit": "C"}),
    ],
)
def test_a_temperature_typed_with_its_unit_is_read(
    typed: str, buttons: str, expected: dict[str, object]
) -> None:
    parsed = _read(typed, buttons)
    assert parsed.errors == {}
    assert parsed.symptoms["temperature"] == expected


@pytest.mark.parametrize("typed", ["hot", "1e2", "38.5K", "150", "20", "38 °F", "101 C"])
def test_a_temperature_that_cannot_be_read_asks_again(typed: str) -> None:
    parsed = _read(typed)
    assert "temperature_value" in parsed.errors
    assert "temperature" not in parsed.symptoms
    assert "symptoms.temperature" in parsed.missing  # read on the careful side
