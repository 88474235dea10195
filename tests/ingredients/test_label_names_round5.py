"""Issue 16, section 2, round 5: more classes of names real retail labels print.

Each case is a class (a rule or a data table), checked on several members where the class has
them, so that a fix for one example does not pass for the class.
"""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label
from needlecare.ingredients.recogniser import recognise


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        # USP-NF monograph names and plain label names of one INCI ingredient
        ("Emulsifying Wax NF", ("CETEARYL ALCOHOL", "POLYSORBATE 60")),
        ("Powdered Cellulose", ("CELLULOSE",)),
        ("Cellulose Powder", ("CELLULOSE",)),
        ("Vitamin B12", ("CYANOCOBALAMIN",)),
        ("Bentonite Clay", ("BENTONITE",)),
        ("Witch Hazel Distillate", ("HAMAMELIS VIRGINIANA WATER",)),
        # binomials as botanists now name the plant, the plant part kept
        ("Salvia Rosmarinus Leaf Extract", ("ROSMARINUS OFFICINALIS LEAF EXTRACT",)),
        ("Salvia Rosmarinus (Rosemary) Leaf Oil", ("ROSMARINUS OFFICINALIS LEAF OIL",)),
        ("Chrysopogon Zizanioides Root Oil", ("VETIVERIA ZIZANOIDES ROOT OIL",)),
        ("Syzygium Aromaticum (Clove) Bud Oil", ("EUGENIA CARYOPHYLLUS BUD OIL",)),
        ("Persea Americana (Avocado) Oil", ("PERSEA GRATISSIMA OIL",)),
        ("Aloe Barbadensis Miller Leaf Juice", ("ALOE BARBADENSIS LEAF JUICE",)),
    ],
)
def test_round_5_names_are_recognised(printed: str, names: tuple[str, ...]) -> None:
    assert recognise(printed).names == names


def test_emulsifying_wax_is_only_read_with_its_pharmacopoeia() -> None:
    # The BP emulsifying wax is cetostearyl alcohol with sodium lauryl sulfate: not the same.
    assert not recognise("Emulsifying Wax").recognized


@pytest.mark.parametrize("label", ["AQUA\nCI 77491", "Glycerin\nCI 77491", "Aqua CI 77491"])
def test_a_name_before_a_colour_index_number_is_only_dropped_for_a_colour(label: str) -> None:
    # Two lines of a list are joined like a wrapped line; "Aqua CI 77491" is not the iron oxide
    # "Iron Oxides CI 77491" (hypothesis found AQUA lost in test_parser_properties).
    result = check_label(label)
    names = [i["name"] for i in result["ingredients"]]
    assert (
        names[-1] == "CI 77491"
        and len(names) == 2
        and all(i["recognized"] for i in result["ingredients"])
    )


def test_a_colour_named_before_its_number_is_still_that_colour() -> None:
    result = check_label(
        "Aqua, Iron Oxides CI 77491, Titanium Dioxide CI 77891, Carmine CI 75470, Mica CI 77019"
    )
    assert [i["name"] for i in result["ingredients"]] == [
        "AQUA",
        "CI 77491",
        "CI 77891",
        "CI 75470",
        "MICA",
    ]
