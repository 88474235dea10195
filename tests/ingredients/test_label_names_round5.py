"""Issue 16, section 2, round 5: more classes of names real retail labels print.

Each case is a class (a rule or a data table), checked on several members where the class has
them, so that a fix for one example does not pass for the class.
"""

from __future__ import annotations

import pytest

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
