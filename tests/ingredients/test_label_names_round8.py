"""Issue 16, section 2, round 8: label spellings that differ from the INCI name by a systematic
transformation, vitamins by their letter, source and grade words, and common plant names.

Made-up members of each class (not the corpus lines), each checked through `check_label`.
"""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label

from .reading import read_between_known_names

# --- systematic spellings: British, salts, pharmacopoeia salt words, the form first ------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        # British spellings, read exactly (the typo match missed names with several of them)
        ("Disodium Laureth Sulphosuccinate", "DISODIUM LAURETH SULFOSUCCINATE"),
        ("Behentrimonium Methosulphate", "BEHENTRIMONIUM METHOSULFATE"),
        ("Aluminium Hydroxide", "ALUMINUM HYDROXIDE"),
        ("Hydrolysed Oat Protein", "HYDROLYZED OAT PROTEIN"),
        # a salt named by its cation and its acid, or by the acid and "sodium salt"
        ("Sodium Hyaluronic Acid", "SODIUM HYALURONATE"),
        ("Potassium Sorbic Acid", "POTASSIUM SORBATE"),
        ("Lactic Acid Sodium Salt", "SODIUM LACTATE"),
        ("Benzoic Acid Sodium Salt", "SODIUM BENZOATE"),
        # INCI's HCl and nitrate for the pharmacopoeia's hydrochloride and mononitrate
        ("Pyridoxine Hydrochloride", "PYRIDOXINE HCL"),
        ("Thiamine Mononitrate", "THIAMINE NITRATE"),
        ("Citric Acid Anhydrous", "CITRIC ACID"),
        ("d-Alpha Tocopheryl Succinate", "TOCOPHERYL SUCCINATE"),
        ("DL-alpha-Tocopheryl Nicotinate", "TOCOPHERYL NICOTINATE"),
        # the form named first
        ("Extract of Camellia Sinensis Leaf", "CAMELLIA SINENSIS LEAF EXTRACT"),
        ("Oil of Jojoba", "SIMMONDSIA CHINENSIS SEED OIL"),
        ("Leaf Extract of Rosemary", "ROSMARINUS OFFICINALIS LEAF EXTRACT"),
    ],
)
def test_a_systematic_respelling_is_read_as_the_inci_name(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item


def test_a_respelling_keeps_the_flags_of_the_name() -> None:
    # salicylic acid's sodium salt is flagged like the acid; a British spelling of a cleanser
    # is still a cleanser
    assert "bha" in read_between_known_names("Sodium Salicylic Acid")["flags"]
    label = check_label("Aqua, Sodium Laureth Sulphate, Cocamidopropyl Betaine, Glycerin")
    assert "cleanser" in label["ingredients"][1]["flags"]


# --- vitamins by their letter ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Vitamin K1", "PHYTONADIONE"),
        ("Vitamin K2", "MENAQUINONE-7"),
        ("Vitamin B6", "PYRIDOXINE"),
        ("Vitamin B1", "THIAMINE HCL/THIAMINE NITRATE"),
        ("Vitamin D", "CHOLECALCIFEROL/ERGOCALCIFEROL"),
        ("Provitamin A", "BETA-CAROTENE"),
        ("Vitamin F", "LINOLEIC ACID/LINOLENIC ACID"),
        ("Vitamin C Ester", "ASCORBYL PALMITATE"),
        # a vitamin's letter, then the rest of one of its esters' INCI names
        ("Vitamin A Propionate", "RETINYL PROPIONATE"),
        ("Vitamin E Succinate", "TOCOPHERYL SUCCINATE"),
        ("Vitamin C Palmitate", "ASCORBYL PALMITATE"),
        ("Vitamin E Linoleate", "TOCOPHERYL LINOLEATE"),
    ],
)
def test_a_vitamin_by_its_letter_is_read_as_its_inci_name(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item


def test_a_vitamin_ester_keeps_its_vitamins_flag() -> None:
    assert "retinoid" in read_between_known_names("Vitamin A Linoleate")["flags"]


@pytest.mark.parametrize(
    ("printed", "not_name"),
    [
        # One letter of a short word is another vitamin or ceramide, not a typo: these were read
        # as RETINYL PALMITATE (a retinoid) and as another ceramide by the typo match.
        ("Vitamin C Palmitat", "RETINYL PALMITATE"),
        ("Vitamin B Palmitate", "RETINYL PALMITATE"),
        ("Ceramide XP", "CERAMIDE NP"),
    ],
)
def test_a_changed_short_word_is_never_read_as_a_typo(printed: str, not_name: str) -> None:
    # (nor as a misspelt active by the search of unread text: "Vitamin C" in it is still found)
    items = check_label(f"Aqua, {printed}, Glycerin")["ingredients"]
    assert not_name not in [i["name"] for i in items]


def test_a_misspelt_active_with_its_own_letter_is_still_read() -> None:
    assert read_between_known_names("Vitamn A Palmitate")["name"] == "RETINYL PALMITATE"


def test_a_vitamin_letter_without_an_ester_of_that_name_stays_unknown() -> None:
    # "TOCOPHERYL SERUM" is no INCI name: the stem is read only into a known name
    assert not read_between_known_names("Vitamin E Serum")["recognized"]


# --- the source or grade before a name ---------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Olive-Derived Squalane", "SQUALANE"),
        ("Coconut-Derived Glycerin", "GLYCERIN"),
        ("Corn-Based Propanediol", "PROPANEDIOL"),
        ("Plant Based Glycerin", "GLYCERIN"),
        ("Low Molecular Weight Hyaluronic Acid", "HYALURONIC ACID"),
        ("Sodium Hyaluronate (High Molecular Weight)", "SODIUM HYALURONATE"),
        ("Sugar Squalane", "SQUALANE"),  # one ingredient, not sugar (a scrub) and squalane
    ],
)
def test_a_source_or_grade_word_is_read_away(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item


def test_a_letter_split_off_a_misspelt_active_does_not_hide_it() -> None:
    # a mutated "Gluconolactone": a typo and a space; the letter is no vitamin's or ceramide's
    items = check_label("Aqua, Glucoolaton e, Glycerin")["ingredients"]
    assert "GLUCONOLACTONE" in [i["name"] for i in items]


# --- common (English) plant names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "name", "flags"),
    [
        ("Vetiver Root Oil", "VETIVERIA ZIZANOIDES ROOT OIL", {"essential_oil"}),
        ("Sacha Inchi Seed Oil", "PLUKENETIA VOLUBILIS SEED OIL", set()),
        ("Tremella Mushroom Extract", "TREMELLA FUCIFORMIS EXTRACT", set()),
        ("Elderflower Water", "SAMBUCUS NIGRA FLOWER WATER", set()),
        ("Brazil Nut Oil", "BERTHOLLETIA EXCELSA SEED OIL", set()),
        ("Pine Bark Extract", "PINUS PINASTER BARK EXTRACT", set()),
        ("Juniper Berry Oil", "JUNIPERUS COMMUNIS FRUIT OIL", {"essential_oil"}),
        (
            "Blood Orange Peel Oil",
            "CITRUS AURANTIUM DULCIS PEEL OIL",
            {"essential_oil", "fragrance_allergen"},
        ),
        # matcha is the leaf ground to a powder: no seed powder (a scrub)
        ("Matcha Powder", "CAMELLIA SINENSIS LEAF POWDER", set()),
        # the plum's kernel oil, not PALM KERNEL OIL one letter away
        ("Plum Kernel Oil", "PRUNUS DOMESTICA SEED OIL", set()),
        # several species of one genus: every species' name, with the flags of all
        (
            "Cinnamon Bark Oil",
            "CINNAMOMUM ZEYLANICUM BARK OIL/CINNAMOMUM CASSIA BARK OIL",
            {"essential_oil", "fragrance_allergen"},
        ),
        ("Perilla Seed Oil", "PERILLA FRUTESCENS SEED OIL/PERILLA OCYMOIDES SEED OIL", set()),
    ],
)
def test_a_common_plant_name_is_read_as_its_cosing_name(
    printed: str, name: str, flags: set[str]
) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item
    assert set(item["flags"]) - {"soothing", "comedogenic"} == flags


def test_a_common_name_of_many_plants_is_no_one_species() -> None:
    # a cactus is not the prickly pear: "Cereus Grandiflorus Flower Extract / Cactus Flower
    # Extract" is one ingredient (its synonym), not two
    item = read_between_known_names("Cereus Grandiflorus Flower Extract / Cactus Flower Extract")
    assert item["name"] == "CEREUS GRANDIFLORUS FLOWER EXTRACT"


def test_every_common_plant_name_maps_to_a_plant_cosing_names() -> None:
    # a mapping is read only into CosIng names: each binomial (with its part) must start one
    from needlecare.ingredients import data

    names = data.inventory().names
    binomials = {*data.botanical_prefixes().values()}
    binomials.update(b for group in data.botanical_genera().values() for b in group)
    missing = [
        b for b in binomials if b not in names and not any(n.startswith(f"{b} ") for n in names)
    ]
    assert missing == []


# --- supplement panels: vitamin and mineral forms CosIng does not list ------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Chromium Picolinate", "CHROMIUM PICOLINATE"),
        ("L-Selenomethionine", "SELENOMETHIONINE"),
        ("Calcium L-Threonate", "CALCIUM THREONATE"),
        ("L-Methylfolate", "CALCIUM L-METHYLFOLATE"),
        ("Methylcobalamin", "METHYLCOBALAMIN"),
        ("Iron Bisglycinate", "FERROUS BISGLYCINATE"),
        ("Zinc Bisglycinate", "ZINC GLYCINATE"),  # INCI's name of the chelate
        ("Riboflavin 5'-Phosphate", "SODIUM RIBOFLAVIN PHOSPHATE"),
        ("Alpha Lipoic Acid", "THIOCTIC ACID"),
        ("MCT Oil", "CAPRYLIC/CAPRIC TRIGLYCERIDE"),
    ],
)
def test_a_supplement_form_is_a_known_name_without_a_flag(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item
    assert item["flags"] == []


# --- ferments without FILTRATE or LYSATE, colours, waters named by their source -----------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Galactomyces Ferment", "GALACTOMYCES FERMENT FILTRATE"),
        ("Bacillus/Folic Acid Ferment Extract", "BACILLUS/FOLIC ACID FERMENT FILTRATE EXTRACT"),
        ("Lactobacillus Ferment", "LACTOBACILLUS FERMENT"),  # a name of its own
        ("D&C Black No. 2", "CI 77266"),
        ("Carbon Black", "CI 77266"),
        ("D&C Red No. 30 Talc Lake", "CI 73360"),
        ("Eau Thermale Avène", "AQUA"),
        ("Brandname Prebiotic Thermal Water", "AQUA"),
        ("Hot Spring Water", "AQUA"),
        ("Sea Water", "SEA WATER"),  # a CosIng name of its own
        ("Kojic Acid Dipalmitate", "KOJIC DIPALMITATE"),
        ("GHK-Cu", "COPPER TRIPEPTIDE-1"),
    ],
)
def test_more_label_names_are_read(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item


def test_a_ferment_of_two_short_names_is_not_guessed() -> None:
    # BIFIDA FERMENT FILTRATE and BIFIDA FERMENT LYSATE are both CosIng names: neither is read
    assert read_between_known_names("Bifida Ferment")["name"] not in (
        "BIFIDA FERMENT FILTRATE",
        "BIFIDA FERMENT LYSATE",
    )


# --- plant names: hyphenated or joined common names, petals and beans, a flagged oil's part -----


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Sea-Buckthorn Fruit Oil", "HIPPOPHAE RHAMNOIDES FRUIT OIL"),
        ("Seabuckthorn Fruit Oil", "HIPPOPHAE RHAMNOIDES FRUIT OIL"),
        ("Passionfruit Seed Oil", "PASSIFLORA EDULIS SEED OIL"),
        ("Black-Currant Seed Oil", "RIBES NIGRUM SEED OIL"),
        ("Neroli Flower Oil", "CITRUS AURANTIUM AMARA FLOWER OIL"),  # the part said twice
        ("Cocoa Bean Extract", "THEOBROMA CACAO SEED EXTRACT"),
        ("Vanilla Bean Extract", "VANILLA PLANIFOLIA FRUIT EXTRACT"),  # the pod is the fruit
        ("Calendula Petal Extract", "CALENDULA OFFICINALIS FLOWER EXTRACT"),
    ],
)
def test_a_plant_name_spelt_otherwise_is_read(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item


def test_two_printed_words_are_not_joined_into_another_plant() -> None:
    # "Grape Fruit Extract" is the grape's fruit, not GRAPEFRUIT (one word only is joined)
    assert read_between_known_names("Grape Fruit Extract")["name"] == "VITIS VINIFERA FRUIT EXTRACT"


def test_an_essential_oil_of_a_part_is_read_with_every_flag_of_the_plants_oils() -> None:
    # MENTHA PIPERITA LEAF OIL is no CosIng name and, composed, would lack the fragrance
    # allergen flag of MENTHA PIPERITA OIL: the plant's oil is read (it was left unknown, the
    # essential oil unflagged)
    item = read_between_known_names("Mentha Piperita (Peppermint) Leaf Oil")
    assert item["name"] == "MENTHA PIPERITA OIL"
    assert {"essential_oil", "fragrance_allergen"} <= set(item["flags"])


# --- USP-NF titles of drug-facts inactive ingredients ----------------------------------------


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("White Wax", "CERA ALBA"),
        ("Sodium Phosphate Dibasic", "DISODIUM PHOSPHATE"),
        ("Monobasic Potassium Phosphate", "POTASSIUM PHOSPHATE"),
        ("Carbomer Homopolymer Type B", "CARBOMER"),
        ("Cyclomethicone 5", "CYCLOPENTASILOXANE"),
        ("Edetate Calcium Disodium", "CALCIUM DISODIUM EDTA"),
        # "Polyoxyl N ...": INCI's PEG-N ester or the fatty alcohol's -ETH-N ether
        ("Polyoxyl 35 Castor Oil", "PEG-35 CASTOR OIL"),
        ("Polyoxyl 8 Stearate", "PEG-8 STEARATE"),
        ("Polyoxyl 10 Oleyl Ether", "OLETH-10"),
        ("Polyoxyl 2 Stearyl Ether", "STEARETH-2"),
    ],
)
def test_a_usp_title_is_read_as_its_inci_name(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item


def test_a_polyoxyl_number_inci_lacks_stays_unknown() -> None:
    assert not read_between_known_names("Polyoxyl 99 Stearate")[
        "recognized"
    ]  # no PEG-99 STEARATE in CosIng


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        # a supplement panel's "(as X)": the form read as any printed name is
        ("Thiamin (as Thiamine Mononitrate)", "THIAMINE NITRATE"),
        ("Copper (as Copper Bisglycinate)", "COPPER GLYCINATE"),
        ("Iron (as Ferrous Bisglycinate Chelate)", "FERROUS BISGLYCINATE"),
        ("Vitamin E (as d-Alpha Tocopheryl Succinate)", "TOCOPHERYL SUCCINATE"),
        ("Vitamin K2 (as MK-7)", "MENAQUINONE-7"),
    ],
)
def test_the_form_a_nutrient_is_in_is_read_like_any_name(printed: str, name: str) -> None:
    item = read_between_known_names(printed)
    assert item["recognized"] and item["name"] == name, item
