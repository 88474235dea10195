"""Issue 16, section 2, round 5: more classes of names real retail labels print.

Each case is a class (a rule or a data table), checked on several members where the class has
them, so that a fix for one example does not pass for the class.
"""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label, plants
from needlecare.ingredients.recogniser import recognise
from needlecare.ingredients.text import name_key


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
        ("Hydrolyzed Fish (Pisces) Collagen", ("HYDROLYZED COLLAGEN",)),
        ("Manuka (Leptospermum) Honey Extract", ("MEL EXTRACT",)),
        ("Goat Milk Powder", ("WHOLE DRY GOAT MILK",)),
        ("Hungarian Thermal Water", ("AQUA",)),
        ("Thermal Spring Water", ("AQUA",)),
        ("Barbassu Oil", ("ORBIGNYA OLEIFERA SEED OIL",)),  # a spelling of babassu
        # a flour is a FORM of the plant, its part guessed like an oil's
        ("Rye Flour", ("SECALE CEREALE SEED FLOUR",)),
        ("Oat Flour", ("AVENA SATIVA KERNEL FLOUR",)),
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


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Chamomilla Recutita (Matricaria)", "CHAMOMILLA RECUTITA EXTRACT"),
        ("Anthemis Nobilis (Chamomile)", "ANTHEMIS NOBILIS FLOWER EXTRACT"),
        ("Ocimum Tenuiflorum (Holy Basil)", "OCIMUM TENUIFLORUM EXTRACT"),
        ("Lavandula Angustifolia", "LAVANDULA ANGUSTIFOLIA EXTRACT"),
        # its seed powder is an exfoliant, but a label prints "Powder"
        ("Camellia Sinensis", "CAMELLIA SINENSIS EXTRACT"),
    ],
)
def test_a_bare_binomial_is_read_as_its_extract(printed: str, name: str) -> None:
    reading = recognise(printed)
    assert reading.names == (name,) and reading.confidence < 0.9


def test_a_lost_comma_is_never_cut_between_a_binomial_and_its_oil() -> None:
    label = (
        "Water, Lavandula Angustifolia (Lavender) Oil* Citrus Aurantium Dulcis (Orange) Oil**, "
        "Glycerin"
    )
    items = check_label(label)["ingredients"]
    assert [i["name"] for i in items] == [
        "AQUA",
        "LAVANDULA ANGUSTIFOLIA OIL",
        "CITRUS AURANTIUM DULCIS OIL",
        "GLYCERIN",
    ]
    assert all("essential_oil" in i["flags"] for i in items[1:3])


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Ziziphus Jujuba Fruit Extract", "ZIZIPHUS JUJUBA FRUIT EXTRACT"),
        ("Rubus Fruticosus (Cold Pressed Blackberry) Seed Oil", "RUBUS FRUTICOSUS SEED OIL"),
        ("Blackberry Seed Oil", "RUBUS FRUTICOSUS SEED OIL"),
        ("Camellia Oleifera Leaf Juice", "CAMELLIA OLEIFERA LEAF JUICE"),
        ("Sea Daffodil Flower Extract", "PANCRATIUM MARITIMUM FLOWER EXTRACT"),
        ("Nuphar Luteum Flower Extract", "NUPHAR LUTEUM FLOWER EXTRACT"),
        # the leaf attested by FLOWER/LEAF/STEM OIL; an essential oil by its own flags
        ("Tanacetum annuum (Blue Tansy) Leaf Oil", "TANACETUM ANNUUM LEAF OIL"),
    ],
)
def test_a_plant_material_named_by_the_inci_convention_is_read_as_printed(
    printed: str, name: str
) -> None:
    # Names newer than the 2020 CosIng snapshot: the plant and the part are CosIng's.
    reading = recognise(printed)
    assert reading.names == (name,) and reading.confidence < 0.9


@pytest.mark.parametrize(
    "printed",
    [
        "Lavandula Angustifolia Root Oil",  # no CosIng name has a lavender root
        "Lavandula Angustifolia Root Extract",  # lavender extract is a fragrance allergen
        "Pancratium Maritimum Seed Oil",  # an oil of a part CosIng never names for the plant
        "Fooia Barensis Seed Oil",  # nor this plant
        "Sodium Hyaluronate Root Extract",  # not a plant at all (a lost comma, maybe)
        "Rosa Canina Flower Oil",  # an oil of a flower that no rule flags as an essential oil
    ],
)
def test_a_composed_name_needs_a_known_plant_part_and_its_flags(printed: str) -> None:
    assert plants.compose(name_key(printed)) is None


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        (
            "Jasmine Flower Extract",
            ("JASMINUM OFFICINALE FLOWER EXTRACT", "JASMINUM SAMBAC FLOWER EXTRACT"),
        ),
        (
            "Peony Root Extract",
            ("PAEONIA ALBIFLORA ROOT EXTRACT", "PAEONIA SUFFRUTICOSA ROOT EXTRACT"),
        ),
        ("Tangerine Peel Oil", ("CITRUS TANGERINA PEEL OIL", "CITRUS RETICULATA PEEL OIL")),
        ("Tangerine Leaf Oil", ("CITRUS RETICULATA LEAF OIL",)),  # the only tangerine leaf oil
    ],
)
def test_a_common_name_of_several_species_is_read_as_all_of_them(
    printed: str, names: tuple[str, ...]
) -> None:
    assert recognise(printed).names == names


def test_a_common_name_of_several_species_carries_the_flags_of_every_one() -> None:
    item = check_label("Aqua, Glycerin, Jasmine Oil")["ingredients"][2]
    assert item["recognized"] and "essential_oil" in item["flags"]
    assert not recognise("Jasmine Sambac Extract").recognized  # not a binomial


def test_a_longer_name_two_letters_off_is_read_only_when_no_other_name_is_as_near() -> None:
    reading = recognise("Citrannellol")  # CITRONELLOL 2 edits, CITRONELLAL 3 (no other flag)
    assert reading.names == ("CITRONELLOL",) and reading.match == "fuzzy"
    assert not recognise("Calcium Clubonate").recognized  # CARBONATE and GLUCONATE: both 2
    assert not recognise("Octyldoecanol").recognized  # two names one letter away
    assert not recognise("Retinoll Acid").recognized  # RETINOIC ACID: never an active so


def test_a_misspelt_binomial_near_two_spellings_of_one_plant_is_read() -> None:
    # CosIng spells vetiver VETIVERIA ZIZANOIDES and VETIVERIA ZIZANIOIDES; only the first has a
    # root oil, so the near tie between the two does not matter.
    reading = recognise("Vetivera zizanoides (Vetiver) oil")
    assert reading.names == ("VETIVERIA ZIZANOIDES ROOT OIL",) and reading.match == "fuzzy"


def test_a_bare_binomial_is_never_read_as_an_extract_of_another_form() -> None:
    # COPERNICIA CERIFERA WAX EXTRACT is the plant's only extract, but of its wax, not a part.
    assert plants.guess("COPERNICIA CERIFERA") is None


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Opuntia Ficus-Indica (Prickly Pear) Oil", "OPUNTIA FICUS-INDICA SEED OIL"),
        ("Arctostaphylos Uva-Ursi Extract", "ARCTOSTAPHYLOS UVA-URSI LEAF EXTRACT"),
    ],
)
def test_a_hyphenated_species_has_its_part_guessed_like_any(printed: str, name: str) -> None:
    assert recognise(printed).names == (name,)


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Helianthus Annuus Sunflower Seed Oil", "HELIANTHUS ANNUUS SEED OIL"),
        ("Butyrospermum Parkii Shea Butter", "BUTYROSPERMUM PARKII BUTTER"),
        ("Citrus Aurantium Dulcis Orange Peel Oil", "CITRUS AURANTIUM DULCIS PEEL OIL"),
    ],
)
def test_a_common_name_without_its_brackets_after_its_binomial(printed: str, name: str) -> None:
    assert recognise(printed).names == (name,)
    # only the plant's own common name is dropped
    assert not recognise("Helianthus Annuus Jojoba Seed Oil").recognized


def test_a_plant_part_printed_in_the_plural_is_read_singular() -> None:
    assert recognise("Green Tea Leaves Extract").names == ("CAMELLIA SINENSIS LEAF EXTRACT",)
    assert recognise("Rosmarinus Officinalis Leaves Extract").match == "exact"


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Aqua, Butyrospermum Parkii, Butter, Glycerin", "BUTYROSPERMUM PARKII BUTTER"),
        (
            "Aqua, Chamomilla Recutita, Flower Extract, Glycerin",
            "CHAMOMILLA RECUTITA FLOWER EXTRACT",
        ),
    ],
)
def test_a_bare_binomial_cut_from_its_part_at_a_comma_is_joined_again(
    label: str, name: str
) -> None:
    assert [i["name"] for i in check_label(label)["ingredients"]] == ["AQUA", name, "GLYCERIN"]


def test_a_common_name_mapping_never_loops() -> None:
    # A reading is only tried again when it has other and no more words than the text.
    for printed in ("Aloe Barbadensis Aloe Leaf Juice", "Citrus Aurantium Neroli Neroli Oil"):
        recognise(printed)  # returns (a loop would raise RecursionError)
