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


# The seam as one regular expression (what the parser searched for before; its classes of CJK
# characters were dear to compile): the parser's search must find exactly its matches.
_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff01-\uff5e"
_PLAIN_SEAM = (
    rf"(?<=[{_CJK_CLASS}])[ \t]+/[ \t]+(?=[A-Za-z])"
    rf"|(?<=[A-Za-z0-9.)\]])[ \t]+/[ \t]+(?=[{_CJK_CLASS}])"
)


def test_the_seam_search_replaces_exactly_what_the_plain_pattern_matches() -> None:
    import random
    import re

    from needlecare.ingredients import items

    plain = re.compile(_PLAIN_SEAM)
    # each range's first and last character and its neighbours outside it, Latin letters,
    # digits and the other characters before a Latin seam, blanks, slashes and others
    edges = [chr(c + d) for lo, hi in items._CJK_RANGES for c in (lo, hi) for d in (-1, 0, 1)]
    alphabet = [*edges, *"aZq09.)](-é ", " ", " ", "\t", "/", "/", ",", "\n", "水", "Ａ"]
    rng = random.Random(16)
    texts = ["水 / Water", "Aqua / 水", "水 / / Water", "水 /\tWater", " / Water", "水 / "]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(1, 14))) for _ in range(20000)]
    blanks = [" ", "  ", "\t", " \t"]
    for _ in range(20000):  # spaced slashes between any two characters, several in a row
        pieces = [rng.choice(alphabet) + rng.choice(blanks) + "/" + rng.choice(blanks)]
        pieces += rng.choices(["", *alphabet], k=rng.randint(1, 4))
        texts.append("".join(rng.sample(pieces, len(pieces))) + rng.choice(alphabet))
    seams = 0
    for text in texts:
        expected = plain.sub(",", text)
        assert items._SPACED_SLASH.sub(items._seam, text) == expected, repr(text)
        seams += expected != text
    assert seams > 1000  # (the texts hold many seams, not only spaced slashes that are none)
