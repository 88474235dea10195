"""Issue 16, section 1, found by an outside test of pharmacy and OTC label shapes: actives that
were read without their flag (sulfur, resorcinol), printed in the language of the leaflet
(trétinoïne, Benzoylperoxid), or in a leaflet the checker refused as "not an ingredient list".

The labels are made up in the shapes real cartons and leaflets print.
"""

from __future__ import annotations

from typing import Any

import pytest

from needlecare.ingredients import check_label
from needlecare.ingredients.flags import flag_definition
from needlecare.ingredients.parsed import CONNECTOR


def _flagged(result: dict[str, Any]) -> dict[str, list[str]]:
    """Name -> flags, of the ingredients that carry an active flag."""
    return {
        i["name"]: i["flags"]
        for i in result["ingredients"]
        if any(flag_definition(f).get("active") for f in i["flags"])
    }


# The keratolytic actives of the US acne monograph, and a medical peel's acid.
ACNE_MONOGRAPH = [
    (
        "Drug Facts\nActive ingredient: Sulfur 10% ....... Acne treatment\n"
        "Inactive ingredients: Bentonite, Kaolin, Water, Glycerin",
        {"SULFUR"},
    ),
    (
        "Drug Facts\nActive ingredients Purpose\nResorcinol 2% ..... Acne treatment\n"
        "Sulfur 8% ..... Acne treatment\nInactive ingredients water, bentonite, iron oxides",
        {"RESORCINOL", "SULFUR"},
    ),
    ("Sulphur 10% Soap. Ingredients: Sodium Palmate, Aqua, Sulphur, Glycerin", {"SULFUR"}),
    ("Active ingredient: Precipitated sulfur 10%. Inactive: water, glycerin", {"SULFUR"}),
    (
        "Active ingredients: Resorcinol monoacetate 3%, Sulfur 8%. Inactive: water, alcohol",
        {"RESORCINOL ACETATE", "SULFUR"},
    ),
    ("Peel solution: Trichloroacetic Acid 15%, Aqua", {"TRICHLOROACETIC ACID"}),
]


@pytest.mark.parametrize(("text", "actives"), ACNE_MONOGRAPH)
def test_acne_monograph_keratolytics_are_flagged_exfoliants(text: str, actives: set[str]) -> None:
    result = check_label(text)
    flagged = _flagged(result)
    assert actives <= set(flagged), flagged
    assert all("chemical_exfoliant" in flagged[name] for name in actives)
    assert result["verdict"]["status"] == "avoid"


LEAFLETS = [
    ("Substance active : peroxyde de benzoyle 5 %. Excipients : eau", "BENZOYL PEROXIDE"),
    ("Trétinoïne 0,05 % crème. Excipients : acide stéarique, eau purifiée", "TRETINOIN"),
    ("Ingrédients : Aqua/Eau, Acide glycolique 10%, Glycérine", "GLYCOLIC ACID"),
    ("Composition : Acide salicylique 2 %, Aqua, Glycerin", "SALICYLIC ACID"),
    ("Principio activo: Peróxido de benzoílo 5%. Excipientes: glicerol", "BENZOYL PEROXIDE"),
    ("Cada gramo de gel contiene 1 mg de adapaleno (0,1 %). Excipientes: agua", "ADAPALENE"),
    ("Hidroquinona 4% crema. Excipientes: agua, alcohol cetílico", "HYDROQUINONE"),
    ("Ingredientes: Agua, Ácido salicílico 2%, Glicerina", "SALICYLIC ACID"),
    ("Wirkstoff: Benzoylperoxid 5%. Sonstige Bestandteile: Carbomer, Glycerol", "BENZOYL PEROXIDE"),
    ("Der Wirkstoff ist: Adapalen. 1 g Gel enthält 1 mg Adapalen.", "ADAPALENE"),
    ("Wirkstoff: Azelainsäure 200 mg/g. Sonstige Bestandteile: Benzoesäure", "AZELAIC ACID"),
    ("Principio attivo: perossido di benzoile 5%. Eccipienti: glicerolo", "BENZOYL PEROXIDE"),
    ("Tretinoina 0,05% crema. Eccipienti: acido stearico, alcool stearilico", "TRETINOIN"),
]


@pytest.mark.parametrize(("text", "active"), LEAFLETS)
def test_an_active_printed_in_the_leaflets_language_is_read_and_judged(
    text: str, active: str
) -> None:
    result = check_label(text)  # a leaflet with few known excipients is judged, not refused
    assert active in _flagged(result), result["ingredients"]
    assert result["verdict"]["status"] in {"avoid", "caution"}


# Names in those languages one or two letters from an active's: sister acids and excipients.
LOOKALIKES = [
    "Acide acétique",
    "Acide sorbique",
    "Ácido acético",
    "Ácido sórbico",
    "Acido acetico",
    "Acido sorbico",
    "Sorbinsäure",
    "Essigsäure",
    "Hydrochinin",
    "Peroxyde d'hydrogène",
]


@pytest.mark.parametrize("name", LOOKALIKES)
def test_a_look_alike_in_another_language_is_never_read_as_an_active(name: str) -> None:
    result = check_label(f"Aqua, {name}, Glycerin, Cetyl Alcohol")
    assert not _flagged(result), result["ingredients"]


# Misspelt actives and OCR slips in the text around a list (the item is not read as a name).
TYPOS = [
    ("Tretinion 0.05% cream. Inactive ingredients: Water, Stearic Acid", "TRETINOIN"),
    ("Tret1noin 0.05%. lnactive ingredients: Water, Stearic Acid, Stearyl Alcohol", "TRETINOIN"),
    ("Adaplene gel 0.1%. Inactive ingredients: carbomer, propylene glycol, water", "ADAPALENE"),
    ("Hydroquinon 4% cream. Other ingredients: water, glycerin, cetyl alcohol", "HYDROQUINONE"),
    ("Active: Salycilic Acid 2%. Inactive: Water, Glycerin", "SALICYLIC ACID"),
]


@pytest.mark.parametrize(("text", "active"), TYPOS)
def test_a_misspelt_active_around_the_list_is_read_as_a_typo(text: str, active: str) -> None:
    result = check_label(text)
    found = [i for i in result["ingredients"] if i["name"] == active]
    assert found, result["ingredients"]
    assert all(i["recognized"] for i in result["ingredients"])  # not also an unknown name
    assert result["verdict"]["status"] in {"avoid", "caution"}


# Words near an active that are names of their own, or ordinary words, or a second active
# as near: never read as the active.
NOT_TYPOS = [
    "Gentle wash. Sorbic Acid 0.2%. Ingredients: Aqua, Glycerin",  # ascorbic is two letters off
    "Gentle on retinas and lashes. Ingredients: Aqua, Glycerin",  # one letter from retinal
    "Made with care for sensitive skin. Ingredients: Aqua, Glycerin, Lactose",
    "Our laboratory tested. Ingredients: Aqua, Acetic Acid, Glycerin",  # acetic vs lactic
    # Citric acid last in a list is a pH adjuster: a typo of it is never read as an AHA.
    "Ingredients: Aqua, Glycerin, Panthenol, Allantoin, Xanthan Gum, Sodium Benzoate, Citrc Acid",
]


@pytest.mark.parametrize("text", NOT_TYPOS)
def test_a_near_word_that_is_something_else_is_not_read_as_an_active(text: str) -> None:
    assert not _flagged(check_label(text))


ABBREVIATIONS = [
    ("Clear Skin Spot Gel with 5% BPO. Inactive ingredients: Aqua, Carbomer", "BENZOYL PEROXIDE"),
    ("Kligman formula: HQ 5%, tretinoin 0.1%, dexamethasone 0.1% in ointment", "HYDROQUINONE"),
    ("TCA 15% Peel. Ingredients: Aqua", "TRICHLOROACETIC ACID"),
]


@pytest.mark.parametrize(("text", "active"), ABBREVIATIONS)
def test_an_abbreviation_beside_a_strength_is_read(text: str, active: str) -> None:
    assert active in _flagged(check_label(text))


@pytest.mark.parametrize(
    "text",
    [
        "BPO Box 12, Springfield. Ingredients: Aqua, Glycerin",  # no strength beside it
        "Made at our HQ in Leeds. Ingredients: Aqua, Glycerin, Cetyl Alcohol",
        "Ingredients: Aqua, Glycerin. TCA-free cork.",
    ],
)
def test_an_abbreviation_without_a_strength_is_not_read(text: str) -> None:
    assert not _flagged(check_label(text))


def test_numbing_cream_anaesthetics_and_corticosteroids_are_drug_ingredients() -> None:
    result = check_label(
        "Lidocaine 2.5% and Prilocaine 2.5% Cream. Each gram contains lidocaine 25 mg, "
        "prilocaine 25 mg, purified water. Also: Fluocinolone Acetonide 0.01%, Tetracaine 4%"
    )
    flagged = _flagged(result)
    for name in ("LIDOCAINE", "PRILOCAINE", "FLUOCINOLONE ACETONIDE", "TETRACAINE"):
        assert "prescription_drug" in flagged.get(name, []), (name, flagged)
    assert result["verdict"]["status"] == "caution"


def _read(text: str) -> list[tuple[str, str, float | None, bool]]:
    result = check_label(text)
    return [(i["raw"], i["name"], i["percent"], i["from_ignored"]) for i in result["ingredients"]]


def test_an_item_of_only_actives_and_strengths_is_read_at_its_place() -> None:
    # Not an unknown "0.5 mg of tretinoin" and, apart from it, a tretinoin found in it.
    assert _read("Each gram contains 0.5 mg of tretinoin in a cream base of water, glycerin") == [
        ("0.5 mg of tretinoin", "TRETINOIN", None, False),
        ("water", "AQUA", None, False),
        ("glycerin", "GLYCERIN", None, False),
    ]
    # Two actives in one item: each with the strength printed next to it.
    assert _read(
        "Each gram contains adapalene 1 mg (0.1%) and benzoyl peroxide 25 mg (2.5%) "
        "in an aqueous gel base consisting of glycerin"
    ) == [
        ("adapalene 1 mg (0.1%)", "ADAPALENE", 0.1, False),
        ("benzoyl peroxide 25 mg (2.5%)", "BENZOYL PEROXIDE", 2.5, False),
        ("glycerin", "GLYCERIN", None, False),
    ]
    result = check_label("Each 1 g contains 40 mg erythromycin and 0.25 mg tretinoin.")
    assert [i["raw"] for i in result["ingredients"]] == ["40 mg erythromycin", "0.25 mg tretinoin"]
    assert result["ignored"][0]["text"] == "Each 1 g contains"


def test_an_item_with_other_words_than_strengths_keeps_its_active_apart() -> None:
    read = _read("Brightening drops with hydroquinone 2% for dark spots. Ingredients: Aqua")
    assert ("hydroquinone", "HYDROQUINONE", 2.0, True) in read  # with the strength beside it


def test_the_spanish_excipients_heading_is_a_heading() -> None:
    result = check_label("Principio activo: Peróxido de benzoílo 5%. Excipientes: carbómero, agua")
    assert {"text": "Excipientes:", "reason": "heading"} in result["ignored"]
    assert [i["raw"] for i in result["ingredients"]][1:] == ["carbómero", "agua"]


@pytest.mark.parametrize(
    ("text", "connector", "read"),
    [
        (
            "Cada gramo de gel contiene 1 mg de adapaleno (0,1 %). Excipientes: agua",
            "Cada gramo de gel contiene",
            ("1 mg de adapaleno (0,1 %)", "ADAPALENE"),
        ),
        (
            "Un gramme de gel contient 150 mg d'acide azélaïque. Excipients : eau purifiée",
            "Un gramme de gel contient",
            ("150 mg d'acide azélaïque", "AZELAIC ACID"),
        ),
        (
            "1 g Gel enthält 7,5 mg Metronidazol. Sonstige Bestandteile: Carbomer, Wasser",
            "1 g Gel enthält",
            ("7,5 mg Metronidazol", "METRONIDAZOLE"),
        ),
    ],
)
def test_each_gram_contains_in_other_languages(
    text: str, connector: str, read: tuple[str, str]
) -> None:
    result = check_label(text)
    assert {"text": connector, "reason": CONNECTOR} in result["ignored"]
    first = result["ingredients"][0]
    assert (first["raw"], first["name"], first["from_ignored"]) == (*read, False)


def test_thd_ascorbate_is_the_vitamin_c_ester() -> None:
    flagged = _flagged(check_label("Squalane, THD Ascorbate 10%, Caprylic/Capric Triglyceride"))
    assert flagged == {"TETRAHEXYLDECYL ASCORBATE": ["vitamin_c"]}


@pytest.mark.parametrize(
    ("text", "active"),
    [
        (
            "Aqua, Glycerin, Parfum (3-O-Ethyl Ascorbic Acid0.025%), Limonene",
            "3-O-ETHYL ASCORBIC ACID",
        ),
        (
            "Contains: Clindamycin Phosphate2.5% W/W. Also contains: Lecithin",
            "CLINDAMYCIN PHOSPHATE",
        ),
        (
            "Wirkstoff: Alpha Hydroxy Acids 2.5% W/W. Sonstige Bestandteile: Cetylalkohol",
            "ALPHA HYDROXY ACIDS",
        ),
    ],
)
def test_a_glued_or_upper_case_strength_keeps_the_active_whole(text: str, active: str) -> None:
    result = check_label(text)
    assert active in _flagged(result), result["ingredients"]


def test_an_ocr_digit_inside_an_active_is_still_read() -> None:
    # A digit inside a word is an OCR slip, not a strength to cut off ("Sa1icylic").
    result = check_label("Active ingredient: Sa1icylic Acid 2%\nInactive ingredients: Water")
    assert "SALICYLIC ACID" in _flagged(result)


def test_the_spanish_composition_heading_is_a_heading() -> None:
    result = check_label(
        "PERÓXIDO DE BENZOÍLO 50 mg/g GEL\nComposición: 50 mg de peróxido de benzoílo"
    )
    assert {"text": "Composición:", "reason": "heading"} in result["ignored"]
    assert [i["raw"] for i in result["ingredients"]] == ["50 mg de peróxido de benzoílo"]


def test_the_european_pharmacopoeia_mark_does_not_end_a_sentence() -> None:
    result = check_label("Adapalene Ph. Eur. 0.1% w/w gel. Excipients: carbomer, purified water.")
    first = result["ingredients"][0]
    assert (first["raw"], first["name"]) == ("Adapalene Ph. Eur. 0.1% w/w gel", "ADAPALENE")
    assert not first["from_ignored"]


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Tretinoin 0.05% cream. Inactive ingredients: Water", "Tretinoin 0.05% cream"),
        (
            "Adapalene Ph. Eur. 0.1% w/w gel. Excipients: carbomer",
            "Adapalene Ph. Eur. 0.1% w/w gel",
        ),
    ],
)
def test_the_dosage_form_after_an_actives_strength_is_no_ingredient(text: str, raw: str) -> None:
    result = check_label(text)
    assert result["ingredients"][0]["raw"] == raw  # not "cream" read as CosIng's dairy CREAM
    assert all(i["recognized"] for i in result["ingredients"])


@pytest.mark.parametrize(
    "label",
    [
        "Glycerin in a Tretinoin cream base of Stearic Acid, Purified Water",
        "Glycerin in a TRETINOIN USP gel base of Carbomer, Purified Water",
    ],
)
def test_words_around_an_exact_active_are_never_read_as_a_typo_of_another(label: str) -> None:
    # "in a Tretinoin" is two letters from ISOTRETINOIN: the typo reading of the words around
    # a list must not take a window that holds an active printed exactly.
    names = [i["name"] for i in check_label(label)["ingredients"]]
    assert "TRETINOIN" in names and "ISOTRETINOIN" not in names, names


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Water, Purified", "AQUA"),
        ("Petrolatum, White", "PETROLATUM"),
        ("Oil, Mineral", "PARAFFINUM LIQUIDUM"),
        ("Alcohol, Dehydrated", "ALCOHOL"),
        ("Wax, White", "CERA ALBA"),
    ],
)
def test_a_pharmacopoeial_title_printed_noun_first_is_one_name(printed: str, name: str) -> None:
    label = f"Inactive ingredients: Carbomer, {printed}, Glycerin"
    read = [(i["raw"], i["name"]) for i in check_label(label)["ingredients"]]
    assert read == [("Carbomer", "CARBOMER"), (printed, name), ("Glycerin", "GLYCERIN")]


def test_an_unknown_word_after_a_name_is_not_joined_unless_it_makes_a_known_name() -> None:
    read = [
        (i["raw"], i["recognized"]) for i in check_label("Aqua, Zorbalex, Glycerin")["ingredients"]
    ]
    assert read == [("Aqua", True), ("Zorbalex", False), ("Glycerin", True)]


def test_a_qualifier_that_starts_the_next_name_is_left_to_it() -> None:
    read = [i["name"] for i in check_label("Water, Carbomer, Sodium, Hydroxide")["ingredients"]]
    assert read == ["AQUA", "CARBOMER", "SODIUM HYDROXIDE"]
    read = [i["name"] for i in check_label("Aqua, Stearic Acid, Iso, Glycerin")["ingredients"]]
    assert "ISOSTEARIC ACID" not in read and "STEARIC ACID" in read
