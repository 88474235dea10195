"""Real-looking labels end to end: what each label proves is in labels.py and in the test ids."""

from __future__ import annotations

from typing import Any

import pytest

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.ingredients.check import UNREAD
from needlecare.ingredients.parsed import BEFORE_LIST

from .labels import LABELS


def _check(label_id: str, **kwargs: Any) -> dict[str, Any]:
    return check_label(LABELS[label_id][1], **kwargs)


def _flags_of(result: dict[str, Any], name: str) -> list[str]:
    found = [i for i in result["ingredients"] if i["name"] == name]
    assert found, f"{name} not among {[i['name'] for i in result['ingredients']]}"
    flags: list[str] = found[0]["flags"]
    return flags


# label id -> (day-0 status, resume_day, {name: flags that must be present})
EXPECTED: dict[str, tuple[str, int | None, dict[str, set[str]]]] = {
    "bland_moisturiser": ("recommended", None, {"PANTHENOL": {"soothing"}}),
    "us_moisturiser": ("avoid", 7, {"PARFUM": {"fragrance"}, "PARAFFINUM LIQUIDUM": {"occlusive"}}),
    "retinol_serum": ("avoid", 7, {"RETINOL": {"retinoid"}}),
    "retinyl_palmitate_cream": ("avoid", 7, {"RETINYL PALMITATE": {"retinoid"}}),
    "vitamin_c_serum": ("avoid", 7, {"ASCORBIC ACID": {"vitamin_c"}}),
    "vitamin_c_derivative": ("avoid", 7, {"ASCORBYL GLUCOSIDE": {"vitamin_c"}}),
    "glycolic_toner": (
        "avoid",
        7,
        {"GLYCOLIC ACID": {"aha"}, "HAMAMELIS VIRGINIANA WATER": {"drying_alcohol"}},
    ),
    "lactic_acid_serum": ("avoid", 7, {"LACTIC ACID": {"aha"}}),
    "bha_cleanser": (
        "avoid",
        7,
        {"SALICYLIC ACID": {"bha"}, "SODIUM LAURETH SULFATE": {"cleanser"}},
    ),
    "pha_toner": ("avoid", 7, {"GLUCONOLACTONE": {"pha"}}),
    "bpo_wash_drug_facts": ("avoid", 7, {"BENZOYL PEROXIDE": {"benzoyl_peroxide"}}),
    "adapalene_drug_facts": ("avoid", 10, {"ADAPALENE": {"retinoid", "prescription_retinoid"}}),
    "tretinoin_cream": (
        "avoid",
        10,
        {"TRETINOIN": {"prescription_retinoid"}, "ISOPROPYL MYRISTATE": {"comedogenic"}},
    ),
    "hydroquinone_cream": ("caution", None, {"HYDROQUINONE": {"hydroquinone"}}),
    "clindamycin_gel": ("caution", None, {"CLINDAMYCIN PHOSPHATE": {"prescription_drug"}}),
    "mineral_sunscreen": ("avoid", 1, {"ZINC OXIDE": {"mineral_sunscreen"}}),
    "chemical_sunscreen_drug_facts": (
        "avoid",
        7,
        {"BUTYL METHOXYDIBENZOYLMETHANE": {"sunscreen_filter"}},
    ),
    "eu_chemical_sunscreen": (
        "avoid",
        7,
        {"ALCOHOL DENAT.": {"drying_alcohol"}, "LINALOOL": {"fragrance_allergen"}},
    ),
    "korean_essence": ("recommended", None, {"MADECASSOSIDE": {"soothing"}}),
    "foundation_may_contain": ("caution", None, {"CI 77491": {"makeup_pigment"}}),
    "essential_oil_balm": ("avoid", 7, {"MELALEUCA ALTERNIFOLIA LEAF OIL": {"essential_oil"}}),
    "walnut_scrub": ("avoid", 14, {"JUGLANS REGIA SHELL POWDER": {"physical_exfoliant"}}),
    "sd_alcohol_us": ("avoid", 7, {"ALCOHOL DENAT.": {"drying_alcohol"}}),
    "comedogenic_oil": ("caution", None, {"COCOS NUCIFERA OIL": {"comedogenic"}}),
    "petrolatum_balm": ("caution", None, {"PETROLATUM": {"occlusive"}}),
    "hyaluronic_serum": ("recommended", None, {"SODIUM HYALURONATE": {"soothing"}}),
    "enzyme_mask": ("avoid", 7, {"PAPAIN": {"chemical_exfoliant"}}),
    "fragrance_allergens_only": ("avoid", 7, {"GERANIOL": {"fragrance_allergen"}}),
    "azelaic_acid": ("avoid", 7, {"AZELAIC ACID": {"chemical_exfoliant"}}),
    "parfum_components": ("avoid", 7, {"LIMONENE": {"fragrance_allergen"}}),
    "unknown_ingredient": ("caution", None, {}),  # day 0: bland products only (AC-16)
    "bullet_ceramide_cream": ("recommended", None, {"CERAMIDE EOP": {"soothing"}}),
    "eu_cream_fil_code": (
        "avoid",
        7,
        {"HEXYL CINNAMAL": {"fragrance_allergen"}, "ISOPROPYL ISOSTEARATE": {"comedogenic"}},
    ),
    "tinted_mineral_spf": (
        "avoid",
        7,
        {"ETHYLHEXYL METHOXYCINNAMATE": {"sunscreen_filter"}, "ZINC OXIDE": {"mineral_sunscreen"}},
    ),
    "slash_separated_list": ("recommended", None, {"PANTHENOL": {"soothing"}}),
    "html_copy": ("recommended", None, {"ALLANTOIN": {"soothing"}}),
}


@pytest.mark.parametrize("label_id", sorted(EXPECTED))
def test_day0_status_resume_day_and_flags(label_id: str) -> None:
    status, resume_day, flags = EXPECTED[label_id]
    result = _check(label_id)
    assert result["verdict"]["status"] == status
    assert result["verdict"]["resume_day"] == resume_day
    for name, wanted in flags.items():
        assert wanted <= set(_flags_of(result, name)), name


@pytest.mark.parametrize("label_id", sorted(LABELS))
def test_every_label_parses_and_matches_the_contract(label_id: str) -> None:
    result = _check(label_id, day=3)
    assert set(result) == {"ingredients", "ignored", "verdict"}
    for ignored in result["ignored"]:
        assert set(ignored) == {"text", "reason"}
        assert ignored["text"].strip() and ignored["reason"]
        # Every word was placed by a parsing rule, not by the checker's last-resort accounting.
        assert ignored["reason"] != UNREAD, ignored
    for item in result["ingredients"]:
        assert {"raw", "name", "recognized", "flags", "comedogenic"} <= set(item)
        assert item["comedogenic"] is None or 0 <= item["comedogenic"] <= 5
        assert item["match"] in ("exact", "alias", "fuzzy", None)
    verdict = result["verdict"]
    assert verdict["status"] in ("recommended", "ok", "caution", "avoid")
    assert verdict["day"] == 3
    for reason in verdict["reasons"]:
        assert {"ingredient", "flag", "text", "source"} <= set(reason)
        assert reason["text"] and reason["source"]


def test_look_alikes_are_not_flagged() -> None:
    """Fatty alcohols, bakuchiol, silica, pH-adjuster citric acid, hyaluronate, esters."""
    cases = {
        "us_moisturiser": ["CETYL ALCOHOL", "STEARYL ALCOHOL"],
        "bakuchiol_serum": ["BAKUCHIOL"],
        "walnut_scrub": ["SILICA"],
        "citric_ph_adjuster": ["CITRIC ACID", "CETEARYL ALCOHOL"],
        "hyaluronic_serum": ["SODIUM HYALURONATE", "HYDROLYZED HYALURONIC ACID"],
        "vitamin_c_serum": ["FERULIC ACID"],
        "alcohol_toner": ["BENZYL ALCOHOL"],
    }
    for label_id, names in cases.items():
        result = _check(label_id)
        for name in names:
            flags = set(_flags_of(result, name))
            assert not flags & {
                "drying_alcohol",
                "retinoid",
                "physical_exfoliant",
                "aha",
                "bha",
                "cleanser",
            }, (label_id, name, flags)
    eu = _check("eu_chemical_sunscreen")
    assert "bha" not in _flags_of(eu, "ETHYLHEXYL SALICYLATE")


def test_citric_acid_as_a_major_ingredient_is_an_aha() -> None:
    """The position rule: the same acid counts when it is high in the list or has a stated %."""
    assert "aha" in _flags_of(check_label("Aqua, Citric Acid, Glycerin"), "CITRIC ACID")
    long_list = ", ".join(
        ["Aqua", "Glycerin", "Squalane", "Panthenol", "Allantoin", "Xanthan Gum", "Citric Acid 5%"]
    )
    assert "aha" in _flags_of(check_label(long_list), "CITRIC ACID")


def test_rosehip_oil_is_not_an_essential_oil_but_lavender_oil_is() -> None:
    result = _check("essential_oil_balm")
    assert "essential_oil" not in _flags_of(result, "ROSA CANINA FRUIT OIL")
    assert "essential_oil" in _flags_of(result, "LAVANDULA ANGUSTIFOLIA OIL")


def test_windows_open_with_the_days() -> None:
    """Retinol: avoid before day 7, no longer avoid from day 7; resume_day stays the same."""
    assert _check("retinol_serum", day=6)["verdict"]["status"] == "avoid"
    later = _check("retinol_serum", day=7)["verdict"]
    assert later["status"] != "avoid" and later["resume_day"] == 7
    assert _check("mineral_sunscreen", day=1)["verdict"]["status"] == "recommended"


def test_depth_band_changes_band_specific_windows() -> None:
    """Scrubs: day 7 after shallow needling, day 14 after deep or RF (reference.md#AC-10)."""
    assert _check("walnut_scrub", band="S")["verdict"]["resume_day"] == 7
    assert _check("walnut_scrub", band="RF")["verdict"]["resume_day"] == 14
    assert _check("walnut_scrub", band=None)["verdict"]["resume_day"] == 14


def test_rinse_off_products_have_no_comedogenic_rating() -> None:
    leave_on = _check("comedogenic_oil")
    rinse_off = _check("comedogenic_oil", rinse_off=True)
    assert any(i["comedogenic"] for i in leave_on["ingredients"])
    assert all(i["comedogenic"] is None for i in rinse_off["ingredients"])
    assert "comedogenic" not in {f for i in rinse_off["ingredients"] for f in i["flags"]}


def test_unknown_names_stay_unknown_and_raise_the_verdict_to_caution() -> None:
    """NeedleCare cannot say what an unknown name is and tells the person to ask their clinic:
    the verdict must not say "OK to use" beside that (missing information raises a level)."""
    result = _check("unknown_ingredient", day=60)
    unknown = [i for i in result["ingredients"] if not i["recognized"]]
    assert [i["raw"] for i in unknown] == ["Zorbalex Complex"]
    assert unknown[0]["match"] is None
    reasons = result["verdict"]["reasons"]
    assert [r["status"] for r in reasons if r["flag"] == "unrecognized"] == ["caution"]
    assert result["verdict"]["status"] == "caution"
    known_only = check_label("Aqua, Glycerin, Panthenol", day=60)
    assert known_only["verdict"]["status"] in ("ok", "recommended")


def test_typos_are_matched_with_a_confidence_below_one() -> None:
    result = _check("ocr_noisy")
    fuzzy = {i["name"]: i["confidence"] for i in result["ingredients"] if i["match"] == "fuzzy"}
    assert {"NIACINAMIDE", "DIMETHICONE", "TOCOPHERYL ACETATE"} <= set(fuzzy)
    assert all(0.9 <= c < 1 for c in fuzzy.values())
    names = [i["name"] for i in result["ingredients"]]
    assert "PHENOXYETHANOL" in names and "CETEARYL ALCOHOL" in names and "CI 77007" in names


def test_digits_are_never_changed_by_a_fuzzy_match() -> None:
    """PEG-101 Stearate is not PEG-100 Stearate: it stays unknown."""
    result = check_label("Aqua, Glycerin, PEG-101 Stearate")
    assert not result["ingredients"][2]["recognized"]


def test_claims_footnotes_and_directions_are_not_ingredients() -> None:
    names = [i["name"] for i in _check("organic_footnotes")["ingredients"]]
    assert names == [
        "ALOE BARBADENSIS LEAF JUICE",
        "BUTYROSPERMUM PARKII BUTTER",
        "SIMMONDSIA CHINENSIS SEED OIL",
        "GLYCERIN",
        "TOCOPHEROL",
    ]
    free = _check("fragrance_free_claim")
    assert all("fragrance" not in i["flags"] for i in free["ingredients"])
    assert len(free["ingredients"]) == 5
    header = [i["name"] for i in _check("multilingual_header")["ingredients"]]
    assert header == ["AQUA", "GLYCERIN", "PANTHENOL", "ALLANTOIN"]


def test_asian_separators_and_full_width_characters() -> None:
    assert len(_check("korean_essence")["ingredients"]) == 10
    names = [i["name"] for i in _check("chinese_commas")["ingredients"]]
    assert names == ["AQUA", "GLYCERIN", "PROPANEDIOL", "NIACINAMIDE", "ALLANTOIN"]
    japanese = {i["name"] for i in _check("japanese_lotion")["ingredients"]}
    assert {"BUTYLENE GLYCOL", "GLYCERIN", "DIPOTASSIUM GLYCYRRHIZATE"} <= japanese


def test_colour_blocks_split_and_mark_may_contain() -> None:
    result = _check("foundation_may_contain")
    colours = [i for i in result["ingredients"] if i["may_contain"]]
    assert [i["name"] for i in colours] == ["CI 77891", "CI 77491", "CI 77492", "CI 77499"]
    eyeshadow = _check("eyeshadow_may_contain")
    assert "mineral_sunscreen" not in _flags_of(eyeshadow, "TITANIUM DIOXIDE")


def test_blends_slashes_and_digits_in_names() -> None:
    names = [i["name"] for i in _check("blend_and")["ingredients"]]
    assert names == [
        "AQUA",
        "CETEARYL ALCOHOL",
        "CETEARETH-20",
        "GLYCERYL STEARATE",
        "PEG-100 STEARATE",
        "GLYCERIN",
        "PHENOXYETHANOL",
    ]
    slash = [i["name"] for i in _check("slash_synonyms")["ingredients"]]
    assert slash[:3] == [
        "AQUA",
        "CAPRYLIC/CAPRIC TRIGLYCERIDE",
        "ACRYLATES/C10-30 ALKYL ACRYLATE CROSSPOLYMER",
    ]
    assert "1,2-HEXANEDIOL" in slash and "C12-15 ALKYL BENZOATE" in slash


def test_drug_facts_actives_keep_their_percentages() -> None:
    result = _check("chemical_sunscreen_drug_facts")
    actives = [(i["name"], i["percent"]) for i in result["ingredients"][:4]]
    assert actives == [
        ("BUTYL METHOXYDIBENZOYLMETHANE", 3.0),
        ("HOMOSALATE", 10.0),
        ("ETHYLHEXYL SALICYLATE", 5.0),
        ("OCTOCRYLENE", 7.0),
    ]
    names = [i["name"] for i in result["ingredients"]]
    assert names[-1] == "ACRYLATES/C10-30 ALKYL ACRYLATE CROSSPOLYMER"
    assert all(i["recognized"] for i in _check("bpo_wash_drug_facts")["ingredients"])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n ",
        "https://example.com/products/serum",
        "I bought this cream last week and I love how soft it makes my skin feel.",
        "qwzx vbnm plok ; trrr ; hhhj",
        "x" * 30_000,
        "\x00\x01\x02\x03binary",
    ],
)
def test_not_an_ingredient_list(text: str) -> None:
    with pytest.raises(NotAnIngredientList):
        check_label(text)


def test_bad_day_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        check_label("Aqua, Glycerin", day=-1)


def test_later_headers_and_codes_lose_no_name() -> None:
    """'Other ingredients:' after a first list, formula codes and a teaser 'Key ingredients'."""
    names = [
        i["name"]
        for i in check_label(
            "Ingredients: Petrolatum (41%). Other ingredients: Mineral Oil, Ceresin. (G-7223)"
        )["ingredients"]
    ]
    assert names == ["PETROLATUM", "PARAFFINUM LIQUIDUM", "CERESIN"]
    teaser = check_label(
        "Key ingredients: Retinol, Niacinamide. Full ingredients list: Aqua, Glycerin, "
        "Phenoxyethanol. [F.I.L. D55484/1]"
    )
    listed = [i["name"] for i in teaser["ingredients"] if not i["from_ignored"]]
    assert listed == ["AQUA", "GLYCERIN", "PHENOXYETHANOL"]
    # The teaser is not the list, but an active it names is never dropped: it is flagged anyway.
    rescued = [i for i in teaser["ingredients"] if i["from_ignored"]]
    assert [(i["name"], "retinoid" in i["flags"]) for i in rescued] == [("RETINOL", True)]
    assert {"text": "Key ingredients: Retinol, Niacinamide.", "reason": BEFORE_LIST} in teaser[
        "ignored"
    ]
    assert teaser["verdict"]["status"] == "avoid"


def test_a_name_followed_by_a_sentence_is_kept() -> None:
    result = check_label("Aqua, Glycerin, Alcohol Denat. Helps reduce redness. Shake well.")
    names = [i["name"] for i in result["ingredients"]]
    assert names == ["AQUA", "GLYCERIN", "ALCOHOL DENAT."]


def test_accents_and_lines_without_separators() -> None:
    assert check_label("Aqua, Glycérine")["ingredients"][1]["name"] == "GLYCERIN"
    two_lines = check_label("AQUA\nGLYCERIN")
    assert [i["name"] for i in two_lines["ingredients"]] == ["AQUA", "GLYCERIN"]
    wrapped = check_label("Aqua, Butyrospermum Parkii\nButter, Glycerin")
    assert [i["name"] for i in wrapped["ingredients"]] == [
        "AQUA",
        "BUTYROSPERMUM PARKII BUTTER",
        "GLYCERIN",
    ]


def test_lactic_acid_low_in_a_sunscreen_is_not_an_aha() -> None:
    result = _check("tinted_mineral_spf")
    assert "aha" not in _flags_of(result, "LACTIC ACID")
    assert len(_check("slash_separated_list")["ingredients"]) == 5
    assert all(i["recognized"] for i in _check("eu_cream_fil_code")["ingredients"])


def test_colour_index_runs_and_addresses() -> None:
    """'CI 77491, 77492' gets its prefix back; a bare number elsewhere is not a colour."""
    names = [i["name"] for i in check_label("Mica, CI 77491,77492, 77499")["ingredients"]]
    assert names == ["MICA", "CI 77491", "CI 77492", "CI 77499"]
    address = check_label("Aqua, Glycerin, 75008 Paris")["ingredients"][2]
    assert not address["recognized"]


def test_common_korean_and_japanese_names_and_a_clear_error_for_the_rest() -> None:
    korean = check_label("[전성분] 정제수, 글리세린, 나이아신아마이드, 소듐 하이알루로네이트, 향료")
    assert [i["name"] for i in korean["ingredients"]] == [
        "AQUA",
        "GLYCERIN",
        "NIACINAMIDE",
        "SODIUM HYALURONATE",
        "PARFUM",
    ]
    japanese = check_label("成分：水、グリセリン、ＢＧ、ヒアルロン酸Ｎａ、フェノキシエタノール")
    assert all(i["recognized"] for i in japanese["ingredients"])
    with pytest.raises(NotAnIngredientList, match="Korean, Japanese or Chinese"):
        check_label("세틸에틸헥사노에이트, 카프릴릴글라이콜")


def test_footnotes_do_not_become_ingredients() -> None:
    names = [
        i["name"]
        for i in check_label(
            "Water (Aqua), Fragrance (Parfum)*, Aloe Barbadensis Leaf Juice**. *Natural fragrance "
            "** = from organic farming"
        )["ingredients"]
    ]
    assert names == ["AQUA", "PARFUM", "ALOE BARBADENSIS LEAF JUICE"]


def test_a_numbered_list_on_one_line() -> None:
    names = [
        i["name"]
        for i in check_label("1. Water 2. Glycerin 3. Niacinamide 4. Zinc PCA")["ingredients"]
    ]
    assert names == ["AQUA", "GLYCERIN", "NIACINAMIDE", "ZINC PCA"]
    kept = [i["name"] for i in check_label("Aqua, Polysorbate 20. Glycerin")["ingredients"]]
    assert kept == ["AQUA", "POLYSORBATE 20", "GLYCERIN"]


def test_ignored_text_is_listed_in_the_order_the_label_prints_it():
    # The parser finds warnings and directions after a list before it finds the headings; the
    # table a reader checks against the label must follow the label from the top.
    label = (
        "Drug Facts\nActive ingredient: Benzoyl Peroxide 5%\nPurpose: Acne treatment\n"
        "Inactive ingredients: Water, Carbomer, Glycerin\n"
        "Warnings: For external use only. Keep out of reach of children."
    )
    ignored = [entry["text"] for entry in check_label(label)["ignored"]]
    flat = " ".join(label.split())
    positions = [flat.find(text) for text in ignored]
    assert -1 not in positions and positions == sorted(positions), ignored
    assert ignored[0] == "Drug Facts" and ignored[-1].startswith("Warnings")
