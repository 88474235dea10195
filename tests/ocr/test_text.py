"""How the engine's words become the text the ingredient parser reads."""

from __future__ import annotations

from needlecare.ingredients import check_label
from needlecare.ocr.read import _text
from needlecare.ocr.tesseract import Word, _parse_tsv


def _lines(*lines: str) -> list[Word]:
    return [
        Word(text, 0.9, (1, 1, number))
        for number, line in enumerate(lines)
        for text in line.split()
    ]


def test_bullets_misread_as_marks_become_bullets() -> None:
    text = _text(_lines("AQUA * GLYCERIN » PANTHENOL « SQUALANE ° ALLANTOIN"))
    assert text == "AQUA • GLYCERIN • PANTHENOL • SQUALANE • ALLANTOIN"


def test_a_bullet_stuck_to_a_name_in_a_bullet_list_is_split_off() -> None:
    text = _text(_lines("AQUA • GLYCERIN • DISODIUM EDTA* TOCOPHEROL • SQUALANE"))
    assert "EDTA • TOCOPHEROL" in text


def test_a_bar_inside_a_word_is_a_lower_case_l_but_a_lone_bar_separates() -> None:
    assert _text(_lines("Cocamidopropy| Betaine | Aqua")) == "Cocamidopropyl Betaine | Aqua"


def test_line_ends_between_names_stay_line_ends_inside_sentences_they_go() -> None:
    text = _text(_lines("Aqua, Sodium Lauroyl Lactylate", "Sodium Hyaluronate, Glycerin"))
    assert text == "Aqua, Sodium Lauroyl Lactylate\nSodium Hyaluronate, Glycerin"
    names = [i["name"] for i in check_label(text)["ingredients"]]
    assert "SODIUM LAUROYL LACTYLATE" in names and "SODIUM HYALURONATE" in names
    prose = _text(_lines("Glycerin. Free from parabens and", "mineral oil."))
    assert prose == "Glycerin. Free from parabens and mineral oil."


def test_a_hyphen_at_a_line_end_joins_the_name() -> None:
    assert _text(_lines("Aqua, Ceteareth-", "20, Glycerin")) == "Aqua, Ceteareth-20, Glycerin"


def test_tsv_rows_other_than_words_and_empty_words_are_skipped() -> None:
    header = "\t".join(
        [
            "level",
            "page_num",
            "block_num",
            "par_num",
            "line_num",
            "word_num",
            "left",
            "top",
            "width",
            "height",
            "conf",
            "text",
        ]
    )
    rows = [
        header,
        "4\t1\t1\t1\t1\t0\t0\t0\t10\t10\t-1\t",
        "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t91.5\tAqua,",
        "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t95\t ",
        "5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t-1\tGlycerin",
    ]
    words = _parse_tsv("\n".join(rows))
    assert [(w.text, w.confidence, w.line) for w in words] == [
        ("Aqua,", 0.915, (1, 1, 1)),
        ("Glycerin", 0.0, (1, 1, 2)),
    ]


def test_a_letter_bullet_at_a_line_end_is_a_bullet_too() -> None:
    text = _text(_lines("TRIGLYCERIDE • CETEARETH-20 e", "CERAMIDE NP • CERAMIDE AP e¢ CARBOMER"))
    assert text == "TRIGLYCERIDE • CETEARETH-20 • CERAMIDE NP • CERAMIDE AP • CARBOMER"
    names = [i["name"] for i in check_label(text)["ingredients"]]
    assert names[1:4] == ["CETEARETH-20", "CERAMIDE NP", "CERAMIDE AP"]


def test_a_line_before_a_capitalised_word_stays_a_line_of_its_own() -> None:
    text = _text(_lines("glycerin, polysorbate 20, sodium hydroxide", "Questions? 1-800-000-0000"))
    assert text == "glycerin, polysorbate 20, sodium hydroxide\nQuestions? 1-800-000-0000"
    assert "SODIUM HYDROXIDE" in [i["name"] for i in check_label(text)["ingredients"]]


def test_a_bullet_stuck_to_the_first_name_of_a_line_is_a_bullet() -> None:
    text = _text(_lines("Ingredients", "‘Aqua", "‘Glycerin", "*Squalane"))
    assert text == "Ingredients • Aqua • Glycerin • Squalane"


def test_a_japanese_list_whose_kana_were_lost_still_splits_at_its_middle_dots() -> None:
    """bench seed 5, moderate: the kanji header read as Latin soup, the middle dots as
    hyphens and one as a degree sign; two lone hyphens and a bullet show the list."""
    read = "MB: K: BG / Water - Butylene Glycol ° Glycerin - Dipotassium Glycyrrhizate - Urea"
    names = {i["name"] for i in check_label(_text(_lines(read)))["ingredients"]}
    assert {"BUTYLENE GLYCOL", "GLYCERIN", "DIPOTASSIUM GLYCYRRHIZATE", "UREA"} <= names
    prose = "Aqua - Glycerin, Sodium Lactate - Urea"  # no dot or bullet: hyphens stay
    assert _text(_lines(prose)) == prose
