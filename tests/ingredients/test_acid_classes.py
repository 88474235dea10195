"""Acid classes named with a strength: "BHA 2%" is the exfoliant, not the antioxidant BHA, and a
product name such as "AHA 30% + BHA 2% Peeling Solution" is judged, never refused."""

from __future__ import annotations

from typing import Any

import pytest

from needlecare.ingredients import NotAnIngredientList, check_label


def _read(result: dict[str, Any]) -> dict[str, tuple[list[str], float | None]]:
    return {i["name"]: (i["flags"], i["percent"]) for i in result["ingredients"] if i["recognized"]}


@pytest.mark.parametrize(
    "label",
    [
        "Water, Glycerin, BHA 2%, Xanthan Gum",
        "Water, 2% BHA, Glycerin",
        "Aqua, Glycerin. Contains BHA 0.5%",
        "BHA 2 %",
    ],
)
def test_bha_printed_with_a_percent_strength_is_the_beta_hydroxy_acid_class(label):
    result = check_label(label, day=2)
    read = _read(result)
    assert "BHA" not in read
    assert "bha" in read["BETA HYDROXY ACIDS"][0]
    assert result["verdict"]["status"] == "avoid"


def test_bha_without_a_strength_stays_the_antioxidant_of_an_inci_list():
    result = check_label("Water, Glycerin, BHA, Xanthan Gum", day=2)
    assert _read(result)["BHA"] == ([], None)
    assert "BETA HYDROXY ACIDS" not in _read(result)
    assert result["verdict"]["status"] != "avoid"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "AHA 30% + BHA 2% Peeling Solution",
            {"ALPHA HYDROXY ACIDS": 30.0, "BETA HYDROXY ACIDS": 2.0},
        ),
        ("10% AHA + 2% BHA", {"ALPHA HYDROXY ACIDS": 10.0, "BETA HYDROXY ACIDS": 2.0}),
        ("2% BHA Liquid Exfoliant", {"BETA HYDROXY ACIDS": 2.0}),
        ("Exfoliating toner with 10% AHAs for a glow", {"ALPHA HYDROXY ACIDS": 10.0}),
    ],
)
def test_a_class_named_with_its_strength_is_judged_not_refused(label, expected):
    result = check_label(label, day=3)
    read = _read(result)
    for name, percent in expected.items():
        assert read[name][1] == percent, read
    assert result["verdict"]["status"] == "avoid"


def test_a_class_named_in_a_claim_without_a_strength_does_not_make_a_list():
    with pytest.raises(NotAnIngredientList):
        check_label("Glow toner with AHAs for a brighter look")


def test_an_active_found_outside_the_list_keeps_the_strength_printed_beside_it():
    result = check_label("Tretinoin 0.025% in a cream base of Stearic Acid, Purified Water")
    tretinoin = next(i for i in result["ingredients"] if i["name"] == "TRETINOIN")
    assert tretinoin["percent"] == 0.025
