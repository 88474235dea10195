"""Issue 16, section 2: the classes of names real retail labels print, read as CosIng names.

Each case is a class (a rule or a data table), checked on several members so that a fix for
one example does not pass for the class.
"""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label
from needlecare.ingredients.recogniser import recognise


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        # trilingual and bilingual slash names
        ("Yeast Extract/Faex/Extrait De Levure", "YEAST EXTRACT"),
        ("Sea Salt/Maris Sal/Sel Marin", "MARIS SAL"),
        ("Shea Butter/Butyrospermum Parkii Butter/Beurre De Karité", "BUTYROSPERMUM PARKII BUTTER"),
        ("Olive Oil/Olea Europaea Fruit Oil/Huile D'Olive", "OLEA EUROPAEA FRUIT OIL"),
        # an INCI name with its English common name ending in the same plant part
        ("Carthamus Tinctorius Seed Oil/Safflower Seed Oil", "CARTHAMUS TINCTORIUS SEED OIL"),
        ("Oenothera Biennis Oil / Evening Primrose Oil", "OENOTHERA BIENNIS OIL"),
        ("Brassica Campestris Extract/Rapeseed Extract", "BRASSICA CAMPESTRIS EXTRACT"),
        # a drug-facts purpose printed after an active inside an INCI list
        ("Zinc Oxide 4.08% Sunscreen", "ZINC OXIDE"),
        ("Titanium Dioxide Sunscreen", "TITANIUM DIOXIDE"),
        # a name followed by its Colour Index number
        ("Iron Oxides CI 77491", "CI 77491"),
        # legacy and synonym binomials, the plant part kept
        ("Citrus Medica Limonum (Lemon) Fruit Extract", "CITRUS LIMON FRUIT EXTRACT"),
        ("Citrus Medica Limonum Peel Oil", "CITRUS LIMON PEEL OIL"),
        ("Citrullus Vulgaris (Watermelon) Fruit Extract", "CITRULLUS LANATUS FRUIT EXTRACT"),
        ("Chamaemelum Nobile Flower Extract", "ANTHEMIS NOBILIS FLOWER EXTRACT"),
        ("Matricaria Chamomilla Flower Extract", "CHAMOMILLA RECUTITA FLOWER EXTRACT"),
        ("Chamomilla Recutita (Matricaria) Flower Extract", "CHAMOMILLA RECUTITA FLOWER EXTRACT"),
        ("Euphorbia Cerifera (Candelilla) Wax", "EUPHORBIA CERIFERA CERA"),
        (
            "Citrus Medica Limonum Fruit Extract (Citrus Medica Limonum (Lemon) Fruit Extract)",
            "CITRUS LIMON FRUIT EXTRACT",
        ),
        # common names
        ("Apricot Kernel Oil", "PRUNUS ARMENIACA KERNEL OIL"),
        ("Corn Starch", "ZEA MAYS STARCH"),
        ("Cucumber Fruit Extract", "CUCUMIS SATIVUS FRUIT EXTRACT"),
        ("Grape Seed Extract", "VITIS VINIFERA SEED EXTRACT"),
        ("Green Tea Leaf Extract", "CAMELLIA SINENSIS LEAF EXTRACT"),
        ("Licorice Root Extract", "GLYCYRRHIZA GLABRA ROOT EXTRACT"),
        # US certified colours and their lakes
        ("Red 4", "CI 14700"),
        ("Yellow 5 Lake", "CI 19140"),
        ("FD&C Blue No. 1 Aluminum Lake", "CI 42090"),
        ("D&C Red No. 7 Calcium Lake", "CI 15850"),
        ("D&C Red 30 Lake", "CI 73360"),
        # pharmacy suffixes and dosage forms
        ("Hydroquinone USP", "HYDROQUINONE"),
        ("Tazarotene Cream", "TAZAROTENE"),
        ("Adapalene BP", "ADAPALENE"),
    ],
)
def test_a_class_of_printed_names_is_recognised(printed: str, name: str) -> None:
    from needlecare.ingredients.items import clean_item

    assert recognise(clean_item(printed)[0]).names[:1] == (name,), recognise(printed)


def test_slash_lists_of_different_ingredients_stay_a_list() -> None:
    assert not recognise("Glycerin/Foo Bar Baz").recognized
    names = [
        i["name"] for i in check_label("Aqua / Glycerin / Niacinamide / Panthenol")["ingredients"]
    ]
    assert names == ["AQUA", "GLYCERIN", "NIACINAMIDE", "PANTHENOL"]


@pytest.mark.parametrize(
    "label",
    [
        "Aqua, Glycerin, 1, 2-Hexanediol, Butylene Glycol",
        "Aqua, Glycerin, 1,2 Hexanediol, Butylene Glycol",
        "Aqua, Glycerin, 1,2-Hexanediol, Butylene Glycol",
    ],
)
def test_hexanediol_split_at_its_comma_is_one_name(label: str) -> None:
    names = [i["name"] for i in check_label(label)["ingredients"]]
    assert names == ["AQUA", "GLYCERIN", "1,2-HEXANEDIOL", "BUTYLENE GLYCOL"]


def test_marketing_prefixes_and_footnote_references_are_not_names() -> None:
    result = check_label(
        "STEP 01 Super Booster: Cetyl Ethylhexanoate, Aqua (1), Glycerin [2], Squalane (*)"
    )
    assert [i["name"] for i in result["ingredients"]] == [
        "CETYL ETHYLHEXANOATE",
        "AQUA",
        "GLYCERIN",
        "SQUALANE",
    ]
    assert {"text": "STEP 01 Super Booster:", "reason": result["ignored"][0]["reason"]} in result[
        "ignored"
    ]


def test_green_tea_and_chamomile_extracts_are_soothing() -> None:
    result = check_label(
        "Aqua, Glycerin, Camellia Sinensis Leaf Extract, Chamomilla Recutita Flower Extract, "
        "Anthemis Nobilis Flower Extract"
    )
    flags = {i["name"]: i["flags"] for i in result["ingredients"]}
    assert "soothing" in flags["CAMELLIA SINENSIS LEAF EXTRACT"]
    assert "soothing" in flags["CHAMOMILLA RECUTITA FLOWER EXTRACT"]
    assert "soothing" in flags["ANTHEMIS NOBILIS FLOWER EXTRACT"]


def test_mineral_filters_carry_sunscreen_filter_but_keep_their_earlier_window() -> None:
    label = "Zinc Oxide 20%, Titanium Dioxide 5%, Caprylic/Capric Triglyceride, Squalane"
    result = check_label(label, day=1)
    flags = {i["name"]: i["flags"] for i in result["ingredients"]}
    for mineral in ("ZINC OXIDE", "TITANIUM DIOXIDE"):
        assert {"sunscreen_filter", "mineral_sunscreen"} <= set(flags[mineral])
    # the chemical-filter window (day 7) does not apply to a mineral sunscreen on day 1
    assert result["verdict"]["status"] == "recommended"
    chemical = check_label("Avobenzone 3%, Caprylic/Capric Triglyceride, Squalane", day=1)
    assert chemical["verdict"]["status"] == "avoid"


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        # a fatty acid by its systematic (IUPAC) name where INCI uses the trivial one
        ("Propylene Glycol Dioctanoate", "PROPYLENE GLYCOL DICAPRYLATE"),
        ("Cetyl Octanoate", "CETYL CAPRYLATE"),
        ("Glyceryl Dodecanoate", "GLYCERYL LAURATE"),
        ("Tetradecanoic Acid", "MYRISTIC ACID"),
        ("Hexadecanoic Acid", "PALMITIC ACID"),
        # a hydrated salt by its anhydrous INCI name
        ("Sodium Carbonate Decahydrate", "SODIUM CARBONATE"),
        ("Magnesium Chloride Hexahydrate", "MAGNESIUM CHLORIDE"),
        ("Zinc Sulfate Heptahydrate", "ZINC SULFATE"),
        # a zero typed for the O of a locant
        ("3-0-Ethyl Ascorbic Acid", "3-O-ETHYL ASCORBIC ACID"),
        # French names printed beside the INCI name, and more one-species common names
        ("Huile Minérale", "PARAFFINUM LIQUIDUM"),
        ("Cire Microcristalline", "CERA MICROCRISTALLINA"),
        ("Sugar Maple Extract", "ACER SACCHARUM EXTRACT"),
        ("Buckwheat Seed Extract", "POLYGONUM FAGOPYRUM SEED EXTRACT"),
        ("Baobab Tree Leaf Extract", "ADANSONIA DIGITATA LEAF EXTRACT"),
        ("Seaweed (Algae) Extract", "ALGAE EXTRACT"),
        ("Annatto", "CI 75120"),
        ("Croscarmellose Sodium", "CROSCARMELLOSE"),
        # one letter from one name and further from every other
        ("Triethoxycaprylysilane", "TRIETHOXYCAPRYLYLSILANE"),
        ("Gluconolacctone", "GLUCONOLACTONE"),
        # a misspelt synonym binomial
        ("Mooring Pterygosperma Seed Extract", "MORINGA OLEIFERA SEED EXTRACT"),
        # a berry is the plant's FRUIT; common names printed beside one binomial on real labels
        ("Acai Berry Extract", "EUTERPE OLERACEA FRUIT EXTRACT"),
        ("Goji Berry Extract", "LYCIUM BARBARUM FRUIT EXTRACT"),
        ("Sea Buckthorn Berry Oil", "HIPPOPHAE RHAMNOIDES FRUIT OIL"),
        ("Ashwagandha Root Extract", "WITHANIA SOMNIFERA ROOT EXTRACT"),
        ("Reishi Mushroom Extract", "GANODERMA LUCIDUM EXTRACT"),
        ("White Tea Leaf Extract", "CAMELLIA SINENSIS LEAF EXTRACT"),
        ("Carnauba Wax", "COPERNICIA CERIFERA CERA"),
    ],
)
def test_round_4_classes_are_recognised(printed: str, name: str) -> None:
    assert recognise(printed).names[:1] == (name,)


def test_round_4_rules_leave_other_names_alone() -> None:
    assert recognise("Cetearyl Ethylhexanoate").names == ("CETEARYL ETHYLHEXANOATE",)
    assert not recognise("Foo Bar Decahydrate").recognized  # no known name under the hydrate
    # Two names one letter away (OCTYLDODECANOL, OCTYLDECANOL): no guess.
    assert not recognise("Octyldoecanol").recognized
    both = recognise("Cannabidiol (CBD)").names
    assert len(both) == 2 and all(n.startswith("CANNABIDIOL-") for n in both)


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("Aqua, Peg-8,3-O-Ethyl Ascorbic Acid, Glycerin", ["PEG-8", "3-O-ETHYL ASCORBIC ACID"]),
        ("Aqua, Laureth-7,1,2 Hexanediol, Glycerin", ["LAURETH-7", "1,2-HEXANEDIOL"]),
    ],
)
def test_two_names_glued_by_a_comma_are_two(label: str, names: list[str]) -> None:
    result = check_label(label)
    assert [i["name"] for i in result["ingredients"]] == ["AQUA", *names, "GLYCERIN"]
    assert all(i["recognized"] for i in result["ingredients"]) and not result["ignored"]


@pytest.mark.parametrize(
    "label",
    [
        "Aqua, Rosa Damascena Flower Oil*, Sucrose**, Phenoxyethanol, Mica*, Essential Oil**, "
        "Organic Sucrose (Brown Sugar).",
        "Aqua, Rosa Damascena Flower Oil*, Sucrose**, Mica*, Organic Sucrose (Brown Sugar). "
        "Essential Oil**.",
    ],
)
def test_a_footnote_whose_mark_slid_to_its_end_is_a_footnote(label: str) -> None:
    result = check_label(label)
    assert all(i["recognized"] for i in result["ingredients"])
    assert [(i["text"], i["reason"]) for i in result["ignored"]] == [
        ("Essential Oil**", "footnote")
    ]


def test_a_name_with_a_mark_after_it_stays_an_ingredient() -> None:
    # Only a footnote's words are read as one: "Sea Kelp" is a name, whatever its mark.
    result = check_label("Aqua, Aloe Leaf Juice*, Glycerin, Sea Kelp Bioferment*")
    assert [i["raw"] for i in result["ingredients"]][-1] == "Sea Kelp Bioferment*"
    assert not result["ignored"]


def test_a_lost_comma_before_a_name_with_a_locant_comma() -> None:
    names = [
        i["name"] for i in check_label("Aqua, Carbomer 1,2-Hexanediol, Glycerin")["ingredients"]
    ]
    assert names == ["AQUA", "CARBOMER", "1,2-HEXANEDIOL", "GLYCERIN"]
