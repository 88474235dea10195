"""Issue 16, section 2, round 6: classes of names the dev halves of the retail corpus still miss.

Made-up members of each class (not the corpus lines), each checked through `check_label`.
"""

from __future__ import annotations

from typing import Any

import pytest

from needlecare.ingredients import NotAnIngredientList, check_label
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
    # "Dimethylacrylamide/Acrylic Acid/...": read whole (the copolymer it names), never as
    # ACRYLIC ACID and other pieces of it.
    names = _names("Aqua, Dimethylacrylamide/Acrylic Acid/Polystyrene Ethyl Methacrylate, Glycerin")
    assert names == [
        "AQUA",
        "DIMETHYLACRYLAMIDE/ACRYLIC ACID/POLYSTYRENE ETHYL METHACRYLATE COPOLYMER",
        "GLYCERIN",
    ]
    assert _names("Aqua, Lauryl/Acrylic Oddity Glycerin, Tocopherol")[1] is None


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


# --- a slash name printed with commas for its slashes -------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "name"),
    [
        ("PEG, PPG-18, 18 Dimethicone", "PEG/PPG-18/18 DIMETHICONE"),
        ("Cetyl PEG, PPG-10, 1 Dimethicone", "CETYL PEG/PPG-10/1 DIMETHICONE"),
    ],
)
def test_three_pieces_that_spell_one_slash_name_are_joined(pieces: str, name: str) -> None:
    result = check_label(f"Aqua, {pieces}, Glycerin")
    assert [i["name"] for i in result["ingredients"]] == ["AQUA", name, "GLYCERIN"]
    assert _item(result, pieces)["recognized"]


def test_three_known_names_are_never_joined() -> None:
    # Each is a name of its own: nothing to join even if the letters spelt another name.
    assert _names("Aqua, PPG-20, Glycerin, Dimethicone") == [
        "AQUA",
        "PPG-20",
        "GLYCERIN",
        "DIMETHICONE",
    ]


# --- a genus printed with "spp." --------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Rosa Spp. Flower Oil", "ROSE FLOWER OIL"),
        ("Rosa SPP Flower Oil", "ROSE FLOWER OIL"),
        ("Rosa sp Extract", "ROSE EXTRACT"),
        ("Rosa Spp", "ROSE EXTRACT"),  # a bare plant name is read as its extract
        ("Rosa Species/Rose Flower Oil", "ROSE FLOWER OIL"),
    ],
)
def test_a_genus_with_spp_is_read_as_its_generic_name_with_every_species_flag(
    printed: str, name: str
) -> None:
    item = _item(check_label(f"Aqua, {printed}, Glycerin"), printed)
    assert item["name"] == name
    # every caution flag any rose species' name of that form carries (rose flower oils are
    # essential oils and Annex III fragrance allergens; rose flower extracts are allergens)
    expected = (
        {"fragrance_allergen", "essential_oil"} if name.endswith("OIL") else {"fragrance_allergen"}
    )
    assert expected <= set(item["flags"])


@pytest.mark.parametrize("printed", ["Rosa Spp. Seed Wax", "Lavandula Spp. Oil", "Rosa Spp. Oil"])
def test_a_genus_with_spp_without_a_generic_name_of_that_form_stays_unknown(printed: str) -> None:
    assert not recognise(printed).recognized


def test_the_generic_rose_flower_oil_is_flagged_like_the_rose_species_oils() -> None:
    item = _item(check_label("Aqua, Rose Flower Oil, Glycerin"), "Rose Flower Oil")
    assert {"essential_oil", "fragrance_allergen"} <= set(item["flags"])


# --- acid classes named alone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "flag"),
    [
        ("AHA", "aha"),
        ("AHAs", "aha"),
        ("Alpha Hydroxy Acids", "aha"),
        ("BHAs", "bha"),
        ("Beta Hydroxy Acid", "bha"),
        ("PHA", "pha"),
    ],
)
def test_an_acid_class_named_alone_is_recognised_and_flagged(printed: str, flag: str) -> None:
    result = check_label(f"Aqua, Glycerin, {printed}, Squalane")
    item = _item(result, printed)
    assert item["recognized"] and flag in item["flags"]
    assert result["verdict"]["status"] == "avoid"


def test_bha_in_an_inci_list_stays_the_antioxidant() -> None:
    # CosIng BHA is butylated hydroxyanisole, printed beside the other antioxidants.
    item = _item(check_label("Aqua, Glycerin, Tocopherol, BHA, BHT"), "BHA")
    assert item["name"] == "BHA" and "bha" not in item["flags"]


def test_an_acid_class_in_the_text_around_a_list_is_flagged() -> None:
    result = check_label("Aqua, Glycerin, Squalane. Gently resurfaces with alpha hydroxy acids.")
    flagged = [i["name"] for i in result["ingredients"] if "aha" in i["flags"]]
    assert flagged == ["ALPHA HYDROXY ACIDS"]
    assert result["verdict"]["status"] == "avoid"


def test_an_acid_class_alone_does_not_make_marketing_text_a_list() -> None:
    with pytest.raises(NotAnIngredientList):
        check_label("A brightening night serum that gently resurfaces with AHAs for a glow.")
    # ... while a real active named in the same text always gets a verdict
    result = check_label("A brightening night serum that resurfaces with glycolic acid.")
    assert result["verdict"]["status"] == "avoid"


# --- spellings and a part word added ------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Caprylohydroxamic Acid", "CAPRYLHYDROXAMIC ACID"),
        ("Vitis Vinifera (Grape) Seed Powder Extract", "VITIS VINIFERA SEED EXTRACT"),
        ("Oryza Sativa (Rice) Bran Oil", "ORYZA SATIVA BRAN OIL"),
    ],
)
def test_spelling_and_part_word_variants_are_read(printed: str, name: str) -> None:
    assert recognise(printed).names == (name,)


def test_an_extract_of_a_powdered_seed_is_an_extract_not_a_scrub() -> None:
    item = _item(
        check_label("Aqua, Avena Sativa Kernel Powder Extract, Glycerin"),
        "Avena Sativa Kernel Powder Extract",
    )
    assert item["name"] == "AVENA SATIVA KERNEL EXTRACT"
    assert "physical_exfoliant" not in item["flags"]


def test_two_names_glued_after_a_spelling_variant_are_split() -> None:
    names = _names("Aqua, Caprylohydroxamic Acid Simmondsia Chinensis (Jojoba) Seed Oil, Glycerin")
    assert names == ["AQUA", "CAPRYLHYDROXAMIC ACID", "SIMMONDSIA CHINENSIS SEED OIL", "GLYCERIN"]


# --- a plant part CosIng does not name ---------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Butyrospermum Parkii (Shea) Seed Butter", "BUTYROSPERMUM PARKII BUTTER"),
        ("Glycine Soja (Soybean) Seed Oil", "GLYCINE SOJA OIL"),
        ("Persea Gratissima (Avocado) Fruit Oil", "PERSEA GRATISSIMA OIL"),
        ("Camellia Sinensis Leaf Polyphenols", "CAMELLIA SINENSIS POLYPHENOLS"),
        ("Sclerocarya Birrea (Marula) Kernel Oil", "SCLEROCARYA BIRREA SEED OIL"),
        ("Prunus Armeniaca (Apricot) Seed Oil", "PRUNUS ARMENIACA KERNEL OIL"),
    ],
)
def test_a_plant_part_where_cosing_names_none_is_read_without_it(printed: str, name: str) -> None:
    assert recognise(printed).names == (name,)


@pytest.mark.parametrize("printed", ["Rosa Moschata Fruit Oil", "Rosa Moschata Flower Oil"])
def test_a_part_is_never_dropped_where_the_forms_of_the_plant_differ_in_flags(
    printed: str,
) -> None:
    # ROSA MOSCHATA OIL is an essential oil, ROSA MOSCHATA SEED OIL a carrier oil: which one a
    # fruit or flower oil is the part decides, so it is not read away.
    assert recognise(printed).names != ("ROSA MOSCHATA OIL",)


# --- a copolymer named by its monomers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Acrylates/C10-30 Alkyl Acrylate", "ACRYLATES/C10-30 ALKYL ACRYLATE CROSSPOLYMER"),
        (
            "Sodium Acrylate/Sodium Acryloyldimethyl Taurate",
            "SODIUM ACRYLATE/SODIUM ACRYLOYLDIMETHYL TAURATE COPOLYMER",
        ),
    ],
)
def test_a_copolymer_printed_without_the_word_copolymer_is_read(printed: str, name: str) -> None:
    assert recognise(printed).names == (name,)


def test_synonyms_joined_by_a_slash_are_not_read_as_a_copolymer() -> None:
    assert recognise("Aqua/Water/Eau").names == ("AQUA",)


# --- supplement facts and plain label names -----------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("Zinc (as Zinc Gluconate)", ("ZINC GLUCONATE",)),
        ("Vitamin D3 (as Cholecalciferol)", ("CHOLECALCIFEROL",)),
        ("Vitamin A (as Retinyl Palmitate)", ("RETINYL PALMITATE",)),
        ("Magnesium Glycinate Chelate", ("MAGNESIUM GLYCINATE",)),
        ("Sugarcane Squalane", ("SQUALANE",)),
        ("Soy Lecithin", ("LECITHIN",)),
        ("Fractionated Coconut Oil", ("CAPRYLIC/CAPRIC TRIGLYCERIDE",)),
        ("SLES", ("SODIUM LAURETH SULFATE",)),
        ("Epsom Salts", ("MAGNESIUM SULFATE",)),
        ("Black Cumin Seed Oil", ("NIGELLA SATIVA SEED OIL",)),
    ],
)
def test_plain_and_supplement_label_names_are_read(printed: str, names: tuple[str, ...]) -> None:
    assert recognise(printed).names == names


def test_a_nutrient_as_a_form_keeps_the_flag_of_that_form() -> None:
    item = _item(
        check_label("Aqua, Vitamin A (as Retinyl Palmitate), Glycerin"),
        "Vitamin A (as Retinyl Palmitate)",
    )
    assert "retinoid" in item["flags"]


@pytest.mark.parametrize("printed", ["Citronella Oil", "Frankincense Oil", "Rose Oil"])
def test_a_common_name_of_several_species_carries_the_essential_oil_flag(printed: str) -> None:
    item = _item(check_label(f"Aqua, {printed}, Glycerin"), printed)
    assert item["recognized"] and "essential_oil" in item["flags"]


def test_a_footnote_naming_the_essential_oils_is_not_an_ingredient() -> None:
    result = check_label("Aqua, Lavandula Angustifolia Oil*, Glycerin. *Essential Oil")
    assert [i["name"] for i in result["ingredients"]] == [
        "AQUA",
        "LAVANDULA ANGUSTIFOLIA OIL",
        "GLYCERIN",
    ]


@pytest.mark.parametrize(
    ("printed", "name", "flag"),
    [
        ("Encapsulated Retinol", "RETINOL", "retinoid"),
        ("Microencapsulated Salicylic Acid", "SALICYLIC ACID", "bha"),
        ("Liposomal Ascorbic Acid", "ASCORBIC ACID", "vitamin_c"),
        ("Stabilized Glycolic Acid", "GLYCOLIC ACID", "aha"),
    ],
)
def test_a_delivery_word_before_an_active_does_not_hide_it(
    printed: str, name: str, flag: str
) -> None:
    item = _item(check_label(f"Aqua, {printed}, Glycerin"), printed)
    assert item["name"] == name and flag in item["flags"]


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Coconut Nucifera (Coconut) Oil", "COCOS NUCIFERA OIL"),
        ("Butyrospermum Parki (Shea) Butter", "BUTYROSPERMUM PARKII BUTTER"),
    ],
)
def test_a_binomial_misspelt_is_read_by_the_common_name_in_its_bracket(
    printed: str, name: str
) -> None:
    reading = recognise(printed)
    assert reading.names == (name,) and reading.match == "fuzzy"  # a typo reading, said so


def test_a_common_name_of_another_plant_never_respells_a_binomial() -> None:
    # KUKUI is ALEURITES MOLUCCANUS: neither word of "Cocos Nucifera" is like it.
    assert recognise("Cocos Nucifera (Kukui) Oil").names != ("ALEURITES MOLUCCANUS SEED OIL",)


def test_a_trademark_sign_is_no_part_of_a_name() -> None:
    # NFKC turns the sign into the letters TM ("NiacinamideTM" was only a typo reading).
    result = check_label("Aqua, Niacinamide™, Sodium Hyaluronate℠, Glycerin")
    assert [(i["name"], i["match"]) for i in result["ingredients"]] == [
        ("AQUA", "exact"),
        ("NIACINAMIDE", "exact"),
        ("SODIUM HYALURONATE", "exact"),
        ("GLYCERIN", "exact"),
    ]


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("Damask Rose Flower Oil", ("ROSA DAMASCENA FLOWER OIL",)),
        ("Bulgarian Rose Flower Water", ("ROSA DAMASCENA FLOWER WATER",)),
        ("Rose Water", ("ROSA DAMASCENA FLOWER WATER", "ROSA CENTIFOLIA FLOWER WATER")),
        ("Rosewater", ("ROSA DAMASCENA FLOWER WATER", "ROSA CENTIFOLIA FLOWER WATER")),
    ],
)
def test_rose_names_of_one_or_two_species_are_read(printed: str, names: tuple[str, ...]) -> None:
    assert recognise(printed).names == names


def test_a_rose_flower_extract_carries_the_allergen_flag_of_both_species() -> None:
    item = _item(check_label("Aqua, Rose Flower Extract, Glycerin"), "Rose Flower Extract")
    assert "fragrance_allergen" in item["flags"]


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("C12-15 Alkyl Benzoates", "C12-15 ALKYL BENZOATE"),
        ("Safflower Glycerides", "SAFFLOWER GLYCERIDE"),
        ("Phospholipid", "PHOSPHOLIPIDS"),
    ],
)
def test_the_last_word_in_the_other_number_is_read(printed: str, name: str) -> None:
    assert recognise(printed).names == (name,)


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Dimethicone Copolyol", "DIMETHICONE COPOLYOL"),  # the class INCI split up
        ("Cetyl Dimethicone Copolyol", "CETYL PEG/PPG-10/1 DIMETHICONE"),
    ],
)
def test_legacy_silicone_names_are_read_without_a_flag(printed: str, name: str) -> None:
    item = _item(check_label(f"Aqua, {printed}, Glycerin"), printed)
    assert item["name"] == name and item["flags"] == []


@pytest.mark.parametrize(
    ("printed", "name", "flag"),
    [
        ("Specially Denatured Alcohol", "ALCOHOL DENAT.", "drying_alcohol"),
        ("Rubbing Alcohol", "ISOPROPYL ALCOHOL", "drying_alcohol"),
        ("Papaya Enzyme", "PAPAIN", "chemical_exfoliant"),
        ("Pineapple Enzyme", "BROMELAIN", "chemical_exfoliant"),
        ("Fruit Acids", "ALPHA HYDROXY ACIDS", "aha"),
        ("LHA", "CAPRYLOYL SALICYLIC ACID", "bha"),
        ("HPR", "HYDROXYPINACOLONE RETINOATE", "retinoid"),
    ],
)
def test_plain_names_of_flagged_ingredients_carry_their_flag(
    printed: str, name: str, flag: str
) -> None:
    item = _item(check_label(f"Aqua, Glycerin, {printed}, Squalane"), printed)
    assert item["name"] == name and flag in item["flags"]


def test_a_complex_named_by_its_active_is_read_as_that_active_as_a_guess() -> None:
    item = _item(check_label("Aqua, Retinol Complex, Glycerin"), "Retinol Complex")
    assert item["name"] == "RETINOL" and "retinoid" in item["flags"]
    assert item["confidence"] < 0.9  # the rest of the blend is not named
    assert not recognise("Peptide Complex").recognized


def test_collagen_named_by_its_source_is_collagen() -> None:
    assert recognise("Fish (Pisces) Collagen").names == ("COLLAGEN",)
    assert recognise("Marine Collagen").names == ("COLLAGEN",)


@pytest.mark.parametrize(
    "printed",
    ["Rosa Eglantaria Seed Oil", "Pinus Koraiensis Seed Oil", "Citrus Grandis Seed Oil"],
)
def test_a_pressed_seed_oil_of_an_aromatic_genus_is_no_essential_oil(printed: str) -> None:
    item = _item(check_label(f"Aqua, {printed}, Glycerin"), printed)
    assert item["recognized"] and "essential_oil" not in item["flags"]
    # ... while the distilled fruit oil of an aromatic plant still is one
    carum = _item(check_label("Aqua, Carum Carvi Fruit Oil"), "Carum Carvi Fruit Oil")
    assert "essential_oil" in carum["flags"]
