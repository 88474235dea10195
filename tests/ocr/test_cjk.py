"""Korean and Japanese labels (issue 21): the English model reads Hangul and kana as symbol
soup; a second pass with Debian's tesseract-ocr-kor / -jpn data (scripts/setup.sh) reads them,
led by the script it finds. Photos made by bench/ocr_labels.py (clean set, CJK fonts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from needlecare.ingredients import check_label
from needlecare.ocr import read, read_label
from needlecare.ocr.read import _text
from needlecare.ocr.scan import scan_label
from needlecare.ocr.tesseract import Word, installed_languages

PHOTOS = Path(__file__).parent / "photos"


def _names(text: str) -> set[str]:
    return {i["name"] for i in check_label(text)["ingredients"] if i["recognized"]}


def test_setup_installs_the_korean_and_japanese_data() -> None:
    assert {"eng", "kor", "jpn"} <= installed_languages()


def test_a_label_in_korean_is_read_with_the_korean_data() -> None:
    reading = read_label((PHOTOS / "clean_korean_names.jpg").read_bytes())
    assert reading.languages == "kor+eng"
    truth = _names((PHOTOS / "clean_korean_names.txt").read_text("utf-8"))
    found = _names(reading.text)
    assert "RETINOL" in found and "PARFUM" in found  # the actives, read from Hangul
    assert len(found & truth) >= len(truth) - 1


def test_a_korean_name_in_large_print_is_read_at_the_size_the_data_reads_best(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The photo is enlarged for small Latin print; the Korean data read "판테놀" (panthenol)
    in those 76 px words as "Hels". The CJK pass reads the photo reduced to ~44 px words."""
    photo = (PHOTOS / "clean_korean_names.jpg").read_bytes()
    truth = _names((PHOTOS / "clean_korean_names.txt").read_text("utf-8"))
    reading = read_label(photo)
    assert "판테놀" in reading.text and _names(reading.text) == truth
    monkeypatch.setattr(read, "_text_sized", lambda grey, words: grey)
    assert "PANTHENOL" not in _names(read_label(photo).text)


def test_a_japanese_and_english_label_is_read_whole_with_the_japanese_data() -> None:
    reading = read_label((PHOTOS / "clean_japanese_lotion.jpg").read_bytes())
    assert reading.languages == "jpn+eng"
    truth = _names((PHOTOS / "clean_japanese_lotion.txt").read_text("utf-8"))
    assert _names(reading.text) == truth


def test_a_latin_label_needs_no_second_pass() -> None:
    reading = read_label((PHOTOS / "clean_retinol_serum.jpg").read_bytes())
    assert reading.languages == "eng"


def test_the_scan_says_which_data_read_it() -> None:
    result = scan_label((PHOTOS / "clean_korean_names.jpg").read_bytes(), day=2)
    assert result["ocr"]["languages"] == "kor+eng"
    assert "RETINOL" in {i["name"] for i in result["ingredients"] if i["recognized"]}
    assert result["verdict"]["status"] == "avoid"


def test_hangul_and_kana_read_one_syllable_at_a_time_are_glued_back_into_names() -> None:
    words = [Word(t, 0.9, (1, 1, 1)) for t in ["정", "제", "수,", "글리", "세린"]]
    assert _text(words) == "정제수, 글리세린"
    latin = [Word(t, 0.9, (1, 1, 1)) for t in ["Aqua,", "Glycerin"]]
    assert _text(latin) == "Aqua, Glycerin"


def _line(*texts: str) -> list[Word]:
    return [Word(text, 0.9, (1, 1, 1)) for text in texts]


def test_a_lone_hyphen_among_japanese_middle_dots_is_a_middle_dot() -> None:
    words = _line("水・BG・Water", "-", "Butylene", "Glycol", "-", "Glycerin")
    assert _text(words) == "水・BG・Water ・ Butylene Glycol ・ Glycerin"
    assert _text(_line("Aqua", "-", "Glycerin")) == "Aqua - Glycerin"


def test_in_a_japanese_reading_a_hyphen_glued_to_a_name_is_a_middle_dot() -> None:
    words = _line("水", "/", "Water", "-", "Butylene", "Glycol", "-Glycerin")
    assert _text(words) == "水 / Water ・ Butylene Glycol ・ Glycerin"
    assert _text(_line("Aqua", "-Glycerin")) == "Aqua -Glycerin"  # no Japanese: as read


def test_a_colour_index_number_read_unsure_is_no_sign_of_another_script() -> None:
    """bench seed 5, moderate: "77499)," and "C.1." (C.I.) read with low confidence in a
    "may contain" block sent the photo through the Korean/Japanese pass (0.9 s of CPU)."""
    for text in ("77499),", "7749.", "77492,", "C.1.", "[77891", "(177499)"):
        assert not read._symbols(Word(text, 0.1, (1, 1, 1))), text
    for text in ("[48#]", "Ma:27K-BG:-", "#@%"):
        assert read._symbols(Word(text, 0.1, (1, 1, 1))), text
    latin = [Word(t, 0.9, (1, 1, 1)) for t in ("Talc,", "Cl", "77891,", "Cl")]
    assert not read._soup([*latin, Word("77499),", 0.0, (1, 1, 1)), Word("C.1.", 0.3, (1, 1, 1))])
