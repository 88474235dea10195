"""inventory_additions.toml: CosIng names the 2020 snapshot lacks, added through the build."""

from __future__ import annotations

import csv
import io
import tomllib

import pytest

from needlecare.ingredients import check_label, data
from needlecare.ingredients.build import build_inventory, build_loose
from needlecare.ingredients.text import name_key

from .test_data import SHARED

BEAUTEE = SHARED / "beautee" / "ingredients.csv"
SNAPSHOT = SHARED / "cosing" / "inventory.csv"
CSV_HEAD = "inci_name,cas_number,einecs_number,function\n"


def _additions() -> list[dict[str, object]]:
    names: list[dict[str, object]] = tomllib.loads(
        data.read_data("inventory_additions.toml").decode("utf-8")
    )["names"]
    return names


def _toml(*names: str) -> str:
    return "".join(f'[[names]]\nname = "{n}"\ncosing_id = 1\n' for n in names)


@pytest.mark.skipif(not BEAUTEE.is_file(), reason="shared BEAUTEE dataset not present")
def test_every_addition_is_a_beautee_name_with_its_cosing_id_and_absent_from_the_snapshot() -> None:
    rows = csv.DictReader(io.StringIO(BEAUTEE.read_text("utf-8")))
    beautee = {name_key(r["name"]): int(r["substanceId"]) for r in rows}
    snapshot = {
        name_key(r["inci_name"]) for r in csv.DictReader(io.StringIO(SNAPSHOT.read_text("utf-8")))
    }
    for entry in _additions():
        assert beautee.get(str(entry["name"])) == entry["cosing_id"], entry
        assert entry["name"] not in snapshot


def test_the_additions_are_inventory_names_without_functions_next_to_the_snapshot_names() -> None:
    names = data.inventory().names
    for entry in _additions():
        assert list(names[str(entry["name"])]) == []
    # The snapshot's misspelt names stay: a label printed from them is still read exactly.
    assert "LIGULARIA FISHCERI LEAF EXTRACT" in names and "CURCUBITURILS" in names


def test_a_new_name_is_read_exactly_and_its_misspelt_snapshot_name_too() -> None:
    result = check_label(
        "Aqua, Ligularia Fischeri Leaf Extract, Lippia Citrodora Leaf Extract, "
        "Lippia Citriodora Leaf Extract, Capsaicinyl Succinoyl Hexapeptide-8 Amide, Cucurbiturils"
    )
    read = [(i["name"], i["match"], i["flags"]) for i in result["ingredients"]]
    assert read == [
        ("AQUA", "exact", []),
        ("LIGULARIA FISCHERI LEAF EXTRACT", "exact", []),
        ("LIPPIA CITRODORA LEAF EXTRACT", "exact", []),
        ("LIPPIA CITRIODORA LEAF EXTRACT", "exact", []),
        ("CAPSAICINYL SUCCINOYL HEXAPEPTIDE-8 AMIDE", "exact", []),
        ("CUCURBITURILS", "exact", []),
    ]


def test_a_new_name_takes_its_flags_from_the_rules_only() -> None:
    """3-PROPYLIDENEPHTHALIDE is a labelled fragrance allergen of Annex III (entry 175, 2023);
    a name in brackets with slashes (one ferment) stays one ingredient with no flag."""
    result = check_label(
        "Aqua, 3-Propylidenephthalide, Bacillus/Flavobacterium Multivorum/(Ecklonia Cava/"
        "Gelidium Amansii/Saccharina Japonica) Extract/Sodium Carbonate Ferment Filtrate"
    )
    read = [(i["name"], i["flags"]) for i in result["ingredients"]]
    assert read[1] == ("3-PROPYLIDENEPHTHALIDE", ["fragrance_allergen"])
    assert read[2][1] == [] and read[2][0].startswith("BACILLUS/FLAVOBACTERIUM MULTIVORUM/(")
    assert len(read) == 3 and result["ignored"] == []


def test_the_build_adds_names_without_functions_and_keeps_the_loose_keys_unambiguous() -> None:
    built = build_inventory(CSV_HEAD + "GLYCERIN,,,Humectant\n", _toml("NEW NAME EXTRACT"))
    assert built["names"] == {"GLYCERIN": [0], "NEW NAME EXTRACT": []}
    assert "inventory_additions.toml" in built["source"]
    assert build_loose(list(built["names"]))["keys"] == ["GLYCERIN", "NEWNAMEEXTRACT"]


@pytest.mark.parametrize(
    "name",
    [
        "GLYCERIN",  # in the snapshot already
        "GLYCER-IN",  # a spelling of a snapshot name: its loose key would become ambiguous
        "New Name",  # not written as the inventory writes names
    ],
)
def test_the_build_refuses_an_addition_the_snapshot_has_or_spells(name: str) -> None:
    with pytest.raises(ValueError, match=r"inventory_additions\.toml"):
        build_inventory(CSV_HEAD + "GLYCERIN,,,Humectant\n", _toml(name))
