"""Strengths printed as masses (EU leaflets and pharmacy labels): a decimal comma before a unit
is part of the number, grams per 100 grams is a percentage, and the amount leaves the name."""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label


def _items(text: str) -> list[tuple[str, str, float | None]]:
    return [(i["raw"], i["name"], i["percent"]) for i in check_label(text)["ingredients"]]


@pytest.mark.parametrize(
    ("text", "name", "percent"),
    [
        ("Trétinoïne 0,05 g pour 100 g, Eau purifiée", "TRETINOIN", 0.05),
        ("Tretinoin 0.1 g per 100 g, Water", "TRETINOIN", 0.1),
        ("Hydroquinone 4 g/100 g, Water", "HYDROQUINONE", 4.0),
        ("Peróxido de benzoilo 5 g por 100 g, Agua", "BENZOYL PEROXIDE", 5.0),
        ("Adapalene 100 mg in 100 g, Carbomer", "ADAPALENE", 0.1),
        ("Tretinoin 0,5 mg/g, Water", "TRETINOIN", 0.05),
        ("Hydroquinone 0.04 g/g, Water", "HYDROQUINONE", 4.0),
        ("Tretinoin 0,05 g, Water", "TRETINOIN", None),
    ],
)
def test_a_mass_strength_is_one_item_read_as_its_percentage(
    text: str, name: str, percent: float | None
) -> None:
    items = _items(text)
    assert len(items) == 2, items  # the decimal comma did not split the active
    raw, read, strength = items[0]
    assert read == name and strength == percent
    assert raw == text.split(", ")[0]


@pytest.mark.parametrize(
    "text",
    ["PEG-7 Glyceryl Cocoate, Aqua", "Aqua, CI 77491, CI 77492, Glycerin", "Aqua, 1,2-Hexanediol"],
)
def test_names_with_numbers_are_not_read_as_masses(text: str) -> None:
    assert all(read for _, read, _ in _items(text))
    assert all(strength is None for _, _, strength in _items(text))
    assert [raw for raw, _, _ in _items(text)] == text.split(", ")
