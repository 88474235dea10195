"""A spaced slash between two scripts is two names (issue 21): a label printed in Japanese
and English reads "水・ＢＧ・グリセリン / Water・Butylene Glycol", whose "グリセリン / Water" was
taken for one slash name (GLYCERIN/AQUA); a Latin slash name stays whole."""

from __future__ import annotations

from needlecare.ingredients import check_label


def _read(text: str) -> list[tuple[str, str]]:
    return [(i["raw"], i["name"]) for i in check_label(text)["ingredients"]]


def test_the_seam_between_a_japanese_and_an_english_list_is_a_separator() -> None:
    text = "成分：水・ＢＧ・グリセリン / Water・Butylene Glycol・Glycerin・Methylparaben"
    assert [name for _, name in _read(text)] == [
        "AQUA",
        "BUTYLENE GLYCOL",
        "GLYCERIN",
        "AQUA",
        "BUTYLENE GLYCOL",
        "GLYCERIN",
        "METHYLPARABEN",
    ]


def test_a_name_and_its_translation_are_both_read_and_none_is_lost() -> None:
    assert _read("정제수 / Water, 레티놀 / Retinol") == [
        ("정제수", "AQUA"),
        ("Water", "AQUA"),
        ("레티놀", "RETINOL"),
        ("Retinol", "RETINOL"),
    ]
    # A Latin slash name before a Korean name: before, the Korean name was lost.
    assert _read("Caprylic/Capric Triglyceride / 글리세린") == [
        ("Caprylic/Capric Triglyceride", "CAPRYLIC/CAPRIC TRIGLYCERIDE"),
        ("글리세린", "GLYCERIN"),
    ]


def test_slashes_within_one_script_are_read_as_before() -> None:
    assert _read("Aqua / Water / Eau, Glycerin") == [
        ("Aqua / Water / Eau", "AQUA"),
        ("Glycerin", "GLYCERIN"),
    ]
    assert [name for _, name in _read("WATER / BUTYLENE GLYCOL / GLYCERIN")] == [
        "AQUA",
        "BUTYLENE GLYCOL",
        "GLYCERIN",
    ]
