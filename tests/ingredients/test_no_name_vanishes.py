"""Issue 16, section 1: no active ingredient is ever dropped from a label, whatever its shape.

Every word of a label is in an ingredient or in the `ignored` list with a reason, and an active
named anywhere (inside a sentence, a heading, a claim or a bracket) is in the result, flagged,
with a verdict at least as strict as the active alone.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from needlecare.ingredients import check_label, data
from needlecare.ingredients.check import UNREAD
from needlecare.ingredients.flags import Where, active_flag_names, flag_definition, flags_for
from needlecare.ingredients.parsed import CONNECTOR
from needlecare.ingredients.parser import parse_label
from needlecare.ingredients.verdict import STATUSES

from .labels import LABELS

# label id -> (the active that must be there, its flag, the day-0 verdict)
PHARMACY: dict[str, tuple[str, str, str]] = {
    "rx_tretinoin_cream_base": ("TRETINOIN", "prescription_retinoid", "avoid"),
    "rx_tretinoin_inactive_only": ("TRETINOIN", "prescription_retinoid", "avoid"),
    "rx_tretinoin_gel_usp": ("TRETINOIN", "prescription_retinoid", "avoid"),
    "rx_adapalene_each_gram": ("ADAPALENE", "prescription_retinoid", "avoid"),
    "rx_adapalene_strength_first": ("ADAPALENE", "prescription_retinoid", "avoid"),
    "rx_tazarotene_dosage_form": ("TAZAROTENE", "prescription_retinoid", "avoid"),
    "rx_hydroquinone_usp": ("HYDROQUINONE", "hydroquinone", "caution"),
    "rx_clindamycin_equivalent": ("CLINDAMYCIN", "prescription_drug", "caution"),
    "rx_azelaic_contains": ("AZELAIC ACID", "chemical_exfoliant", "avoid"),
    "otc_canada_medicinal": ("BENZOYL PEROXIDE", "benzoyl_peroxide", "avoid"),
    "otc_salicylic_drug_facts": ("SALICYLIC ACID", "bha", "avoid"),
    "otc_hydrocortisone_percent_first": ("HYDROCORTISONE", "prescription_drug", "caution"),
}


def _names(result: dict[str, Any]) -> list[str]:
    return [i["name"] for i in result["ingredients"] if i["recognized"]]


def _strictness(result: dict[str, Any]) -> int:
    return STATUSES.index(result["verdict"]["status"])


def test_the_two_tretinoin_labels_of_the_issue() -> None:
    base = check_label(LABELS["rx_tretinoin_cream_base"][1])
    assert _names(base) == ["TRETINOIN", "STEARIC ACID", "ISOPROPYL MYRISTATE", "AQUA"]
    assert base["ingredients"][0]["percent"] == 0.025
    assert base["ignored"] == [{"text": "in a cream base of", "reason": CONNECTOR}]
    assert base["verdict"]["status"] == "avoid"
    inactive = check_label(LABELS["rx_tretinoin_inactive_only"][1])
    assert _names(inactive) == ["TRETINOIN", "AQUA", "STEARIC ACID", "STEARYL ALCOHOL"]
    assert inactive["verdict"]["status"] == "avoid"


@pytest.mark.parametrize("label_id", sorted(PHARMACY))
def test_pharmacy_and_otc_label_shapes_keep_their_active(label_id: str) -> None:
    active, flag, status = PHARMACY[label_id]
    result = check_label(LABELS[label_id][1])
    found = [i for i in result["ingredients"] if i["name"] == active]
    assert found, (active, _names(result))
    assert flag in found[0]["flags"]
    assert not found[0]["from_ignored"], "read from the list itself, not rescued"
    assert result["verdict"]["status"] == status


def test_an_active_in_ignored_text_is_flagged_and_the_text_is_kept() -> None:
    result = check_label(
        "Aqua, Glycerin, Parfum (Tretinoin). Directions: apply with glycolic acid at night."
    )
    rescued = {i["name"]: i for i in result["ingredients"] if i["from_ignored"]}
    assert set(rescued) == {"TRETINOIN", "GLYCOLIC ACID"}
    assert "aha" in rescued["GLYCOLIC ACID"]["flags"]
    assert any("glycolic acid" in i["text"] for i in result["ignored"])
    assert result["verdict"]["status"] == "avoid"


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]{2,}", text)}


@pytest.mark.parametrize("label_id", sorted(LABELS))
def test_every_word_of_a_label_is_an_ingredient_or_ignored_with_a_reason(label_id: str) -> None:
    text = LABELS[label_id][1]
    result = check_label(text)
    placed = set()
    for item in result["ingredients"]:
        placed |= _words(item["raw"])
    for ignored in result["ignored"]:
        assert ignored["reason"] != UNREAD, ignored  # placed by a parsing rule, with its reason
        placed |= _words(ignored["text"])
    joining = {"and", "et", "und"}  # "Water (and) Glycerin": a separator
    # The label as the parser reads it: Unicode-normalised, OCR colour codes repaired.
    assert _words(parse_label(text).text) - placed - joining == set()


# --- Property: an active placed anywhere in any label shape is in the result -----------------

# Actives whose flag does not depend on their place in the list (lactic or citric acid low in a
# list is a pH adjuster, by design): derived from the flags data, not listed here.
# Not the acid classes ("AHA", "Alpha Hydroxy Acids"): a class named alone is a claim, not a
# list (check_label refuses it, so the active "alone" has no verdict to compare with).
ACTIVES = sorted(
    name
    for name in active_flag_names() - data.class_names()
    if any(flag_definition(hit.flag).get("active") for hit in flags_for(name, Where(99, 100, None)))
)
STRENGTHS = ["", "0.025%", "0,1 %", "(0.1% w/w)", "4% w/w", "1 mg/g", "5 %", "2.5% W/W"]
PRINTED = [str.title, str.upper, str.lower, lambda n: f"{n.title()} USP", lambda n: f"{n} BP"]
SHAPES = [
    "{A} in a cream base of Stearic Acid, Isopropyl Myristate, Purified Water",
    "{A}. Inactive ingredients: Water, Stearic Acid, Stearyl Alcohol",
    "Active ingredient: {A}\nPurpose: Acne treatment\nInactive ingredients: Water, Carbomer",
    "Drug Facts\nActive ingredient Purpose\n{A} ........ Acne treatment\nUses treats acne\n"
    "Warnings For external use only.\nDirections apply once daily\n"
    "Inactive ingredients water, glycerin, carbomer, sodium hydroxide",
    "Each gram contains {A} in an aqueous gel base of Carbomer 940, Propylene Glycol, Water.",
    "Medicinal ingredient: {A}. Non-medicinal ingredients: Water, Glycerin, Cetyl Alcohol",
    "Contains: {A}. Also contains: Benzoic acid, Lecithin, Purified water.",
    "Ingredients: Aqua, Glycerin, Cetearyl Alcohol, {A}, Phenoxyethanol, Xanthan Gum.",
    "Aqua/Water/Eau, Dimethicone, Glycerin, Squalane, Tocopherol, Parfum ({A}), Limonene",
    "{A}\nUses: for the treatment of acne. Directions: apply a thin layer. Warnings: avoid eyes.",
    # Leaflets in other languages: few excipient names known, the active judged all the same.
    "Substance active : {A}. Excipients : acide stéarique, alcool cétylique, eau purifiée.",
    "Wirkstoff: {A}. Sonstige Bestandteile: Stearinsäure, Cetylalkohol, gereinigtes Wasser.",
    "Kligman formula: HQ 5%, {A}, dexamethasone 0.1% in hydrophilic ointment",
]


@st.composite
def labels_with_an_active(draw: st.DrawFn) -> tuple[str, str]:
    active = draw(st.sampled_from(ACTIVES))
    printed = draw(st.sampled_from(PRINTED))(active)
    strength = draw(st.sampled_from(STRENGTHS))
    before = draw(st.booleans())
    # A percent glued to the name, as OCR and tight print leave it ("Tretinoin0.025%").
    glue = "" if "%" in strength and draw(st.booleans()) else " "
    named = f"{strength} {printed}" if before else f"{printed}{glue}{strength}"
    shape = draw(st.sampled_from(SHAPES))
    if draw(st.booleans()):
        text = shape.format(A=named.strip())
    else:  # anywhere at all: between any two words of the label
        words = shape.format(A="Glycerin").split(" ")
        at = draw(st.integers(0, len(words)))
        text = " ".join([*words[:at], named.strip(), *words[at:]])
    return active, text


_GLUED_BLEND = (
    "RETINYL PALMITATE/CARROT POLYPEPTIDE",
    "Wirkstoff: Glycerin. Sonstige Bestandteile: Stearinsäure, Cetylalkohol, "
    "Retinyl Palmitate/Carrot Polypeptide gereinigtes Wasser.",
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labels_with_an_active())
@example(_GLUED_BLEND)
def test_an_active_anywhere_is_in_the_result_and_at_least_as_strict(case: tuple[str, str]) -> None:
    active, text = case
    result = check_label(text)
    alone = check_label(active)
    # A CosIng blend name ("RETINYL PALMITATE/CARROT POLYPEPTIDE") glued to the next words
    # without a comma is read by its parts: its active part, with the active's flags, is what
    # must not vanish (the name itself is read whenever the blend stands as an item).
    accepted = {active, *active.split("/")}
    assert not accepted.isdisjoint(_names(result)), (text, _names(result), result["ignored"])
    expected_flags = set(next(i["flags"] for i in alone["ingredients"] if i["name"] == active))
    found = [set(i["flags"]) for i in result["ingredients"] if i["name"] in accepted]
    assert any(expected_flags <= flags for flags in found), (text, found)
    assert _strictness(result) >= _strictness(alone), text
