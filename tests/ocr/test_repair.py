"""The OCR's repair of misread flagged names: found, marked to check, never silent, and never
taken for a name that is not flagged."""

from __future__ import annotations

import pytest

from needlecare.ingredients import check_label
from needlecare.ocr.read import LabelReading, _text
from needlecare.ocr.repair import nearest_flagged, repair_reading
from needlecare.ocr.scan import with_ocr
from needlecare.ocr.tesseract import Word


def _words(line: str) -> list[Word]:
    return [Word(word, 0.9, (1, 1, 1)) for word in line.split()]


def _reading(text: str) -> LabelReading:
    return LabelReading(text, 0.9, tuple(_words(text)))


@pytest.mark.parametrize(
    ("read", "name"),
    [
        ("Akohol Denat.", "ALCOHOL DENAT."),
        ("Benz)! Akohol", "BENZYL ALCOHOL"),
        ("0zokerite", "OZOKERITE"),
        ("Tazarotcne", "TAZAROTENE"),
        ("Retino1", "RETINOL"),
        ("ie Lavandula Angustifolia (Lavender) Oil", "LAVANDULA ANGUSTIFOLIA OIL"),
        ("Hamamei)lis Virginiana Water", "HAMAMELIS VIRGINIANA WATER"),
    ],
)
def test_misread_flagged_names_are_found(read: str, name: str) -> None:
    assert nearest_flagged(read) == name


@pytest.mark.parametrize(
    "read",
    [
        "Cetyi Akohol",  # nearer Cetyl Alcohol (not flagged) than Benzyl Alcohol
        "Glycer1n",  # not flagged at all
        "Cl 7749.",  # as near CI 77491 as CI 77492 and others: a person must look
        "Aova",  # too short to repair
        "Buylated Hydroxytoluene",  # a non-flagged name
    ],
)
def test_reads_near_no_single_flagged_name_are_left_alone(read: str) -> None:
    assert nearest_flagged(read) is None


def test_a_repaired_name_is_judged_and_marked_to_check_with_what_was_read() -> None:
    # "Akohoi": two letters misread ("Akohol Denat.", one, the checker now reads itself).
    reading = repair_reading(_reading("Akohoi Denat., Aqua, Glycerin, Benz)! Akohol"))
    assert reading.text == "Alcohol Denat., Aqua, Glycerin, Benzyl Alcohol"
    assert reading.repairs == (
        ("Alcohol Denat.", "Akohoi Denat."),
        ("Benzyl Alcohol", "Benz)! Akohol"),
    )
    result = with_ocr(check_label(reading.text, day=1), reading)
    by_name = {item["name"]: item for item in result["ingredients"]}
    assert by_name["ALCOHOL DENAT."]["ocr_read_as"] == "Akohoi Denat."
    assert by_name["ALCOHOL DENAT."]["ocr_check"] is True
    assert by_name["BENZYL ALCOHOL"]["ocr_read_as"] == "Benz)! Akohol"
    assert by_name["AQUA"]["ocr_read_as"] is None
    assert result["verdict"]["status"] == "avoid"
    assert result["verdict"]["check_against_label"] == ["Alcohol Denat.", "Benzyl Alcohol"]
    reason = next(r for r in result["verdict"]["reasons"] if r["flag"] == "ocr_uncertain")
    assert "Alcohol Denat. (read as “Akohoi Denat.”)" in reason["text"]


def test_a_repair_turns_an_unknown_name_into_the_flag_it_carries() -> None:
    read = "Aqua, Glycerin, Akohoi Denat., Panthenol"
    plain = with_ocr(check_label(read, day=1), _reading(read))
    repaired = repair_reading(_reading(read))
    result = with_ocr(check_label(repaired.text, day=1), repaired)
    # Without the repair the unknown name only holds the verdict at caution; with it the
    # drying alcohol is judged: avoid, and until when.
    assert plain["verdict"]["status"] == "caution"
    assert result["verdict"]["status"] == "avoid"
    assert result["verdict"]["resume_day"] is not None


def test_a_misread_drug_name_and_a_misread_slash_synonym_are_repaired() -> None:
    read = "lazarotene Cream 0.1% Inactive: Aqua, Cl M7891/Titanium Dioxide, Carbomer"
    reading = repair_reading(_reading(read))
    assert (
        reading.text == "Tazarotene Cream 0.1% Inactive: Aqua, Ci 77891/Titanium Dioxide, Carbomer"
    )
    result = with_ocr(check_label(reading.text, day=1), reading)
    read_as = {item["name"]: item["ocr_read_as"] for item in result["ingredients"]}
    assert read_as["TAZAROTENE"] == "lazarotene"
    assert read_as["CI 77891/TITANIUM DIOXIDE"] == "Cl M7891/Titanium Dioxide"
    assert read_as["AQUA"] is None


def test_a_word_in_a_drug_facts_panel_is_not_taken_for_a_cosmetic_name() -> None:
    read = "Active ingredient: Adapalene 0.1% (Retinoid) Purpose: Acne treatment"
    assert repair_reading(_reading(read)).text == read


def test_a_reading_with_nothing_to_repair_is_returned_as_it_is() -> None:
    reading = _reading("Aqua, Glycerin, Squalane")
    assert repair_reading(reading) is reading


def test_bullets_misread_as_letters_or_marks_between_names_become_bullets() -> None:
    text = _text(_words("Ingredients ¢ Aqua • Glycerin e Squalane e Panthenol"))
    assert text == "Ingredients • Aqua • Glycerin • Squalane • Panthenol"
    names = [i["name"] for i in check_label(text)["ingredients"]]
    assert names == ["AQUA", "GLYCERIN", "SQUALANE", "PANTHENOL"]


def test_marks_stuck_to_either_end_of_a_name_in_a_bullet_list_split_off() -> None:
    words = _words("AQUA • GLYCERIN • LACTYLATE® SODIUM • ‘CERAMIDE NP • TOCOPHEROL")
    assert _text(words) == "AQUA • GLYCERIN • LACTYLATE • SODIUM • • CERAMIDE NP • TOCOPHEROL"


def test_a_misread_drug_before_its_grade_and_strength_is_repaired_and_marked() -> None:
    """bench seeds 6 and 7: the capital H of a Drug Facts line read as "t" or "K"."""
    for read in ("tydroquinone", "Kydroquinone"):
        reading = repair_reading(_reading(f"{read} USP 4% w/w in a base: Purified Water"))
        assert reading.text.startswith("Hydroquinone USP 4% w/w in a base:")
        assert reading.repairs == (("Hydroquinone USP 4% w/w", f"{read} USP 4% w/w"),)
        result = with_ocr(check_label(reading.text), reading)
        (active,) = [i for i in result["ingredients"] if i["name"] == "HYDROQUINONE"]
        assert active["ocr_check"] and active["ocr_read_as"] == f"{read} USP 4% w/w"


def test_a_numbered_list_with_a_full_stop_read_as_a_comma_keeps_its_names() -> None:
    """bench seed 5: "3, Niacinamide" made the parser read "Glycerin 3" as one name."""
    read = "1. Water 2. Glycerin 3, Niacinamide 4, Zinc PCA 5. Phenoxyethanol"
    names = [i["name"] for i in check_label(repair_reading(_reading(read)).text)["ingredients"]]
    assert names == ["AQUA", "GLYCERIN", "NIACINAMIDE", "ZINC PCA", "PHENOXYETHANOL"]
    plain = "Aqua, Vitamin B3, Niacinamide, Ceteareth 20, Glycerin"  # no numbered list
    assert repair_reading(_reading(plain)).text == plain


def test_a_colour_index_number_with_one_digit_misread_is_repaired_and_marked() -> None:
    """bench seed 6, moderate: "Cl 17491", which the parser writes "CI 17491" (no such
    colour); one digit from CI 77491 and two from every other number, so it is repaired."""
    read = "Mica, Phenoxyethanol [+/- Cl 77891, Cl 17491, Cl 77492, C.1. 77499]"
    reading = repair_reading(_reading(read))
    assert reading.repairs and reading.repairs[0][1] == "Cl 17491"
    result = with_ocr(check_label(reading.text), reading)
    (colour,) = [i for i in result["ingredients"] if i["name"] == "CI 77491"]
    assert colour["ocr_check"] and colour["ocr_read_as"] == "Cl 17491"


def test_a_colour_index_whose_c_was_read_as_a_bracket_is_repaired_and_marked() -> None:
    """bench seed 5, moderate: "(CI 77491, CI 77492, CI 77499)" read with "(177499)" broke
    the block's brackets, so the iron oxides lost CI 77499."""
    read = "Mica, Iron Oxides (CI 77491, Cl 77492, (177499), Titanium Dioxide (CI 77891)"
    reading = repair_reading(_reading(read))
    assert "(CI 77491, Cl 77492, CI 77499), Titanium" in reading.text
    assert ("CI 77499", "(177499") in reading.repairs
    result = with_ocr(check_label(reading.text), reading)
    (iron,) = [i for i in result["ingredients"] if "CI 77499" in i["name"]]
    assert iron["name"] == "CI 77491/CI 77492/CI 77499" and iron["ocr_check"]
    # Outside a bracket the bracket is the label's own; a number that is no colour stays.
    assert repair_reading(_reading("Mica, Talc (177499)")).text == "Mica, Talc (CI 77499)"
    assert repair_reading(_reading("Mica, Talc (112345)")).text == "Mica, Talc (112345)"
    assert repair_reading(_reading("Mica, CI 77499")).repairs == ()


def test_a_flagged_name_that_lost_its_first_letters_is_repaired_and_marked() -> None:
    """bench seed 9, moderate: "Alcohol (90% w/w)" read as "cohol (90% w/w)" at the panel's
    edge; the drying alcohol is the flag that matters."""
    read = "Hydroxypropyl Cellulose, Benzyl Alcohol, cohol (90% w/w)."
    reading = repair_reading(_reading(read))
    assert reading.text == "Hydroxypropyl Cellulose, Benzyl Alcohol, Alcohol (90% w/w)."
    assert reading.repairs == (("Alcohol", "cohol"),)
    result = with_ocr(check_label(reading.text), reading)
    (alcohol,) = [i for i in result["ingredients"] if i["name"] == "ALCOHOL"]
    assert alcohol["ocr_check"] and alcohol["ocr_read_as"] == "cohol"
    # Too short, or the end of more than one name, or of a name that is not flagged: left.
    for text in ("Aqua, ohol", "Aqua, ycerin", "Aqua, thenol"):
        assert repair_reading(_reading(text)).repairs == (), text


def test_a_colour_index_read_with_look_alike_characters_is_repaired_and_marked() -> None:
    """bench seed 13, moderate: the label's "CI 77OO7" (letter O) read as "C\\ T1007": a mark
    for the I, a T for a 7, and one 7 read as 1; CI 77007 is the one colour that near."""
    read = "Aqua, Glycerin, Tocopheryl Acetat, C\\ T1007"
    reading = repair_reading(_reading(read))
    assert reading.text == "Aqua, Glycerin, Tocopheryl Acetat, CI 77007"
    assert reading.repairs == (("CI 77007", "C\\ T1007"),)
    result = with_ocr(check_label(reading.text), reading)
    (colour,) = [i for i in result["ingredients"] if i["name"] == "CI 77007"]
    assert colour["ocr_check"] and colour["ocr_read_as"] == "C\\ T1007"
    # Read as printed, no colour that near, two colours as near, or no misreading shown: left.
    for text in ("Aqua, CI 77007", "Aqua, C\\ T1234", "Aqua, C\\ 7749O", "Aqua, C 12345"):
        assert repair_reading(_reading(text)).text == text, text


def test_a_capital_i_read_as_a_lower_case_l_starts_the_known_name_again() -> None:
    """bench seed 12, moderate: "lron Oxides (CI 77491, Cl 77492, Cl 77499)" was read as
    three colours instead of the iron oxides' one name."""
    read = "Talc, MAY CONTAIN: lron Oxides (CI 77491, Cl 77492, Cl 77499), lsopropyl Myristate"
    reading = repair_reading(_reading(read))
    assert "Iron Oxides (CI 77491" in reading.text and "Isopropyl Myristate" in reading.text
    names = [i["name"] for i in check_label(reading.text)["ingredients"]]
    assert "CI 77491/CI 77492/CI 77499" in names and "ISOPROPYL MYRISTATE" in names
    # A word that starts with l in a known name, or whose I form is no name's word, stays.
    for text in ("Aqua, lactic acid, linalool", "Aqua, lrqx Extract"):
        assert repair_reading(_reading(text)).text == text, text


def test_a_colour_index_that_lost_a_digit_is_repaired_when_one_colour_is_that_near() -> None:
    """bench seed 19, moderate: "CI 77891/Titanium Dioxide" read "Cl 7891 /Titanium Dioxide"."""
    reading = repair_reading(_reading("Limonene, Cl 7891 /Titanium Dioxide. (F.l.L. Z70022530/1)"))
    assert reading.repairs == (("CI 77891", "Cl 7891"),)
    names = [i["name"] for i in with_ocr(check_label(reading.text), reading)["ingredients"]]
    assert "CI 77891/TITANIUM DIOXIDE" in names
    # "Cl 7749" is one digit from CI 77491, 77492 and 77499: a person must read the label.
    assert repair_reading(_reading("Aqua, Cl 7749, Talc")).repairs == ()


def test_a_drug_facts_inactive_heading_that_lost_its_first_letters_keeps_its_list() -> None:
    """bench seed 15, moderate: "Inactive ingredients" read "active ingredients" at the panel's
    edge, so the whole inactive list was taken for text after the active and dropped."""
    read = (
        "Drug Facts\nActive ingredient Purpose\nBenzoyl peroxide 10% Acne treatment\n"
        "Warnings For external use only. Directions cover the entire affected area active "
        "ingredients water, sodium cocoyl isethionate, glycerin, carbomer"
    )
    reading = repair_reading(_reading(read))
    assert "area Inactive ingredients water" in reading.text
    names = [i["name"] for i in check_label(reading.text)["ingredients"]]
    assert "SODIUM COCOYL ISETHIONATE" in names and "BENZOYL PEROXIDE" in names
    # Without the panel's "Active ingredient" heading first, or already right: left.
    alone = "Aqua, Glycerin\nactive ingredients: retinol"
    assert repair_reading(_reading(alone)).text == alone
    right = read.replace("area active", "area\nInactive")
    assert repair_reading(_reading(right)).text == right


def test_a_numbered_list_whose_marks_were_misread_is_renumbered_in_order() -> None:
    """bench seed 19, moderate: "1. Water / 2. Glycerin / ... / 5. Phenoxyethanol" read as
    "\\. Water 2. Glycerin 3.Niacinamide 4 Zinc PCA 9.Phenoxyethanol": no name was found."""
    read = "\\. Water 2. Glycerin 3.Niacinamide 4 Zinc PCA 9.Phenoxyethanol"
    reading = repair_reading(_reading(read))
    assert reading.text == "1. Water 2. Glycerin 3. Niacinamide 4. Zinc PCA 5. Phenoxyethanol"
    names = [i["name"] for i in check_label(reading.text)["ingredients"]]
    assert names == ["AQUA", "GLYCERIN", "NIACINAMIDE", "ZINC PCA", "PHENOXYETHANOL"]
    # A number of another width inside a name, or fewer than three marks: text, left alone.
    for text in ("1. Aqua 2. Polysorbate 20. Glycerin 3. Talc", "Contains 2. Sodium, I. Water"):
        assert repair_reading(_reading(text)).text == text, text
