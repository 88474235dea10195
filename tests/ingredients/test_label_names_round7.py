"""Issue 16, section 2, round 7: classes of names real retail lists print that were missed.

Made-up members of each class (not the corpus lines), each checked through `check_label`.
"""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label
from needlecare.ingredients.parsed import PURPOSE, SECTION

from .reading import read_between_known_names

# --- one typo in a short name: a letter swapped, wrong, missing or doubled ----------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Valnie", "VALINE"),  # two letters swapped
        ("Thyoml", "THYMOL"),
        ("Maltimol", "MALTITOL"),  # one letter wrong
        ("Dodecnae", "DODECANE"),
        ("Lauerth-2", "LAURETH-2"),  # LAURETH-3 and the others differ by their number
        # spaces and hyphens aside: a typo in a name printed with other spacing
        ("PEG 100 Stearrate", "PEG-100 STEARATE"),
        ("SodiumCitrrate", "SODIUM CITRATE"),
        ("Coco Caprylaate", "COCO-CAPRYLATE"),
        ("1,2 Hexannediol", "1,2-HEXANEDIOL"),  # a name that starts with its locants
        ("Trisodium Ethylene Diamine Disucinate", "TRISODIUM ETHYLENEDIAMINE DISUCCINATE"),
    ],
)
def test_one_typo_in_a_name_without_a_flag_is_read_as_that_name(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name
    assert item["match"] == "fuzzy" and item["flags"] == []


@pytest.mark.parametrize(
    "printed",
    [
        "Rerinol",  # RETINOL: an active is never read from a typo this short
        "Mentaol",  # MENTHOL is a fragrance allergen
        "Pelrite",  # PERLITE is a physical exfoliant
        "Hexadecne",  # HEXADECANE and HEXADECENE are both one typo away
        "Xaline",  # a typo keeps the first letter (VALINE, SALINE ...)
        "Butyl Alcohol",  # a word names use is no typo (not BATYL ALCOHOL)
        "Salvia Officinalis Leaf E",  # a cut name (not SALVIA OFFICINALIS LEAF)
        "Lauerth-29",  # no LAURETH-29 in CosIng: never another number (LAURETH-2, -9)
    ],
)
def test_one_typo_is_not_read_when_a_flag_or_a_second_name_is_near(printed: str) -> None:
    assert not read_between_known_names(printed)["recognized"]


# --- a drug-facts panel printed on one line: the drug's class in brackets, Purpose, Uses -------


@pytest.mark.parametrize(
    "label",
    [
        "Drug Facts Active ingredient: Tretinoin 0.05% (retinoid) Purpose: Acne treatment "
        "Uses clears acne Warnings: For external use only. "
        "Inactive ingredients: Water, Stearic Acid, Xanthan Gum",
        "ACTIVE INGREDIENT: BENZOYL PEROXIDE 5% (ANTIMICROBIAL) PURPOSE: ACNE MEDICATION USES "
        "DRIES PIMPLES WARNINGS: AVOID THE EYES. "
        "INACTIVE INGREDIENTS: WATER, STEARIC ACID, XANTHAN GUM",
    ],
)
def test_a_purpose_and_uses_beside_an_active_are_ignored_text(label: str) -> None:
    result = check_label(label)
    names = [i["name"] if i["recognized"] else None for i in result["ingredients"]]
    assert names[1:] == ["AQUA", "STEARIC ACID", "XANTHAN GUM"]
    assert names[0] in ("TRETINOIN", "BENZOYL PEROXIDE")
    purposes = [i["text"].lower() for i in result["ignored"] if i["reason"] == PURPOSE]
    assert purposes[0] in ("(retinoid)", "(antimicrobial)")
    sections = [i["text"].lower() for i in result["ignored"] if i["reason"] == SECTION]
    assert any(p.startswith("uses") for p in sections)
