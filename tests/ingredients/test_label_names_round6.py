"""Issue 16, section 2, round 6: classes of names the dev halves of the retail corpus still miss.

Made-up members of each class (not the corpus lines), each checked through `check_label`.
"""

from __future__ import annotations

from typing import Any

import pytest

from needlecare.ingredients import check_label
from needlecare.ingredients.recogniser import recognise


def _names(label: str) -> list[str | None]:
    return [i["name"] if i["recognized"] else None for i in check_label(label)["ingredients"]]


def _item(result: dict[str, Any], raw: str) -> dict[str, Any]:
    return next(i for i in result["ingredients"] if i["raw"] == raw)


# --- two names, the separator missing, one of them a slash name with a common name ----------


@pytest.mark.parametrize(
    ("glued", "names"),
    [
        (
            "Citrus Aurantium Amara (Bitter Orange) Leaf/Twig Extract Squalane",
            ["CITRUS AURANTIUM AMARA LEAF/TWIG EXTRACT", "SQUALANE"],
        ),
        (
            "Glycerin Caprylic/Capric Triglyceride",
            ["GLYCERIN", "CAPRYLIC/CAPRIC TRIGLYCERIDE"],
        ),
    ],
)
def test_a_slash_name_with_a_common_name_in_brackets_is_split_from_its_neighbour(
    glued: str, names: list[str]
) -> None:
    assert _names(f"Aqua, {glued}, Tocopherol") == ["AQUA", *names, "TOCOPHEROL"]


def test_a_slash_name_is_never_cut_to_split_a_glued_text() -> None:
    # "Dimethylacrylamide/Acrylic Acid/..." spells no name as printed: it stays one unknown.
    names = _names("Aqua, Dimethylacrylamide/Acrylic Acid/Polystyrene Ethyl Methacrylate, Glycerin")
    assert names == ["AQUA", None, "GLYCERIN"]


# --- list numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("1. Aqua 2. Polysorbate 20. Glycerin", ["AQUA", "POLYSORBATE 20", "GLYCERIN"]),
        ("1) Aqua 2) Polysorbate 80 3) Glycerin", ["AQUA", "POLYSORBATE 80", "GLYCERIN"]),
        (
            "1. Aqua 2. Polysorbate 20. Glycerin 3. Niacinamide",
            ["AQUA", "POLYSORBATE 20", "GLYCERIN", "NIACINAMIDE"],
        ),
    ],
)
def test_a_numbered_list_keeps_a_number_that_is_part_of_a_name(
    label: str, names: list[str]
) -> None:
    assert _names(label) == names


def test_a_lone_number_in_a_list_not_opened_by_one_is_not_a_list_number() -> None:
    # Without "1." in front, "Polysorbate 20. Glycerin" is a name and the next one.
    assert _names("Aqua, Polysorbate 20. Glycerin") == ["AQUA", "POLYSORBATE 20", "GLYCERIN"]


# --- a strength without its % sign --------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name", "flag"),
    [
        ("Retinoll 0.3", "RETINOL", "retinoid"),
        ("Retinol 0.5", "RETINOL", "retinoid"),
        ("Glycollic Acid 5.0", "GLYCOLIC ACID", "aha"),
        ("Salicylic Acid 2.0", "SALICYLIC ACID", "bha"),
    ],
)
def test_a_name_with_a_bare_strength_is_read_and_flagged_in_place(
    printed: str, name: str, flag: str
) -> None:
    result = check_label(f"Aqua, {printed}, Glycerin")
    item = _item(result, printed)
    assert item["name"] == name and flag in item["flags"] and not item["from_ignored"]
    assert result["verdict"]["status"] == "avoid"


def test_a_typo_with_a_bare_strength_is_never_read_with_other_digits() -> None:
    # The number is a strength only after the name: PEG-10 is still not PEG-100.
    assert recognise("Peg-100 Stearat 1.5").names in ((), ("PEG-100 STEARATE",))
    assert recognise("Peg-10 Stearat 1.5").names != ("PEG-100 STEARATE",)


# --- a plant part and form alone name no plant ------------------------------------------------


@pytest.mark.parametrize("printed", ["Flower Extract", "Leaf Extract", "Seed Oil", "Root Powder"])
def test_a_bare_plant_part_and_form_is_unknown_not_a_typo_match(printed: str) -> None:
    assert not recognise(printed).recognized
    assert _names(f"Aqua, {printed}, Glycerin") == ["AQUA", None, "GLYCERIN"]


def test_a_name_that_only_looks_like_a_bare_part_is_still_read() -> None:
    assert recognise("Hayflower Extract").names == ("HAYFLOWER EXTRACT",)
