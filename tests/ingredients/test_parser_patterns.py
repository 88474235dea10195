"""The parser's patterns written for speed find exactly what their plain forms find."""

from __future__ import annotations

import random
import re

import pytest

from needlecare.ingredients import label_patterns

HEADER_WORD = (
    r"(?:full\s+|key\s+|other\s+)?(?:ingred[il1]ents?(?:\s+list)?|ingr[ée]dients?|inci(?:\s+names?)?"
    r"|composi(?:tion|ci[óo]n|zione)|zutaten|inhaltsstoffe|ingredientes|ingredienti|sk[łl]adniki"
    r"|全成分|成分|전성분)"
)
PLAIN = {
    "_ACTIVE_HEADER": re.compile(
        r"(?i)(?<!in)(?<!non-)(?<!non )\b(?:active|medicinal)\s+ingredients?\b(?:\s*\([^)]*\))?"
        r"\s*:?|(?<!in)\bactives?\s*:"
        r"|(?<!in)\b(?:principios?\s+activos?|principes?\s+actifs?|principi(?:o)?\s+attiv[oi]"
        r"|substances?\s+actives?|wirkstoffe?)\s*:"
    ),
    "_INACTIVE_HEADER": re.compile(
        r"(?i)\b(?:inactive|non-?\s?medicinal)\s+ingredients?\b\s*:?|\binactives?\s*:"
        r"|\bexcipient(?:e?s)?\s*:|\beccipienti\s*:|\bsonstige\s+bestandteile\s*:"
    ),
    "_HEADER": re.compile(
        rf"(?i)[\[【]\s*{HEADER_WORD}\s*[\]】]\s*:?"
        rf"|\b{HEADER_WORD}(?:\s*[/|,]\s*{HEADER_WORD})*\s*(?:[:：]|\n)"
    ),
    "_CLAIM": re.compile(
        r"(?i)\b(?:free\s+(?:from|of)|formulated\s+without|made\s+without|without|contains\s+no"
        r"|does\s+not\s+contain|no\s+added|we\s+never\s+use|0\s*%\s+(?=[a-z]))\b[^.\n]*"
    ),
}
# Pieces of labels around the patterns' words, and the characters (?i) folds to i, k and s.
PIECES = [
    *("active", "Active", "ACTIVE", "actives", "Actives", "inactive", "INACTIVE", "inactives"),
    *("medicinal", "Medicinal", "non", "Non", "NON", "non-", "non ", "in", "In", "IN", "un"),
    *("ingredient", "ingredients", "Ingredients", "INGREDIENTS", "excipient", "excipients"),
    *("Excipients", "(s)", "(USP)", "(", ")", ":", " : ", " ", "  ", "\n", "\t", ",", ".", "-"),
    *("a", "m", "i", "e", "n", "x", "1", "_", "é", "\u0130", "\u0131", "\u212a", "\u017f"),
    *("Water", "Tretinoin 0.05%", "Glycerin", "each gram contains", "drug facts", "purpose"),
]


# Headings made of their parts, so that many labels hold a near or a real match.
BEFORE = ["", " ", "in", "non-", "non ", "Non", "x", ". ", "\n", "(", "\u0130n", "_"]
WORDS = ["active", "Actives", "inactive", "INACTIVE", "medicinal", "non-medicinal", "excipient"]
WORDS += ["Excipients", "Excipientes", "\u0130nactive", "\u0131nactive", "act\u0131ve", "reactive"]
WORDS += ["Principio activo", "principios  activos", "PRINCIPE ACTIF", "principes\nactifs", "pr"]
WORDS += ["Principio attivo", "principi attivi", "principio", "Substance active", "\u017fubstances"]
WORDS += ["Wirkstoff", "WIRKSTOFFE", "wirkstoffkomplex", "Eccipienti", "sonstige Bestandteile"]
WORDS += ["\u017fonstige  bestandteile", "Sonstige", "principio activo", "Substances actives"]
WORDS += ["Full ", "key ", "KEY  ", "Other\n", "\u212aey ", "[", "【 ", "[ Full ", "", "x"]
AFTER = [" ingredients", " Ingredient", "  ingredients (USP)", "\ningredients", "", "s", "ly"]
AFTER += ["Ingredients", "INGRED1ENTS list", "ingrédients", "INCI", "inci names", "Composition"]
AFTER += ["Composición", "COMPOSICION", "Composizione"]
AFTER += ["zutaten", "Inhaltsstoffe", "Ingredientes", "ingredienti", "Składniki", "\u017fkladniki"]
AFTER += ["全成分", "成分", "전성분", "\u0130ngredients", "Ingredients / INCI", "inci, zutaten"]
WORDS += ["free from", "Free of", "FREE  FROM", "formulated without", "made without", "without"]
WORDS += ["Contains no", "does not contain", "no added", "We never use", "0% ", "0 % a", "10% "]
WORDS += ["carefree of", "withoutx", "0%"]
END = [":", " :", "", " (in each gram):", "(s):", "x", ", ", "\n", "：", " ]:", "】", "]", " / "]


def _labels(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    labels = []
    for _ in range(count):
        pieces = rng.choices(PIECES, k=rng.randint(1, 10))
        for _ in range(rng.randint(1, 3)):
            heading = [rng.choice(part) for part in (BEFORE, WORDS, AFTER, END)]
            pieces.insert(rng.randint(0, len(pieces)), "".join(heading))
        labels.append("".join(pieces))
    return labels


def _found(pattern: re.Pattern[str], text: str) -> list[object]:
    found: list[object] = [(m.span(), m[0]) for m in pattern.finditer(text)]
    for pos in range(0, len(text) + 1, 3):  # the parser also searches from a position
        match = pattern.search(text, pos)
        found.append(match.span() if match else None)
    return found


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_fast_pattern_finds_what_the_plain_one_finds(name: str) -> None:
    fast: re.Pattern[str] = getattr(label_patterns, name)
    labels = [
        *_labels(4000, seed=16),
        "Drug Facts Active ingredient Purpose Benzoyl peroxide 10% Inactive ingredients: Water",
        "Non-active ingredients: Water. Inactive: Glycerin. Actives: none. Excipients: Talc",
        "ACTIVE INGREDIENTS (IN EACH GRAM): ADAPALENE 0.1%",
        "Medicinal ingredients: Zinc oxide 20%. Non-medicinal ingredients: Aqua",
        "non medicinal ingredient, inactive ingredient, reactive ingredients",
        "Principio activo: X. Excipientes: Y. PRINCIPIOS ACTIVOS : Z. Principe actif : A",
        "Principes actifs: B. Principio attivo: C. principi attivi: D. Substance active : E",
        "\u017fubstances actives: F. Wirkstoff: G. WIRKSTOFFE : H. Eccipienti: I.",
        "xprincipio activo: O",
        "Sonstige Bestandteile: J. \u017fonstige bestandteile: K. Wirkstoffkomplex: L.",
        "non-Wirkstoff: M. Principio\nactivo: N",
    ]
    matched = 0
    for text in labels:
        expected = _found(PLAIN[name], text)
        assert _found(fast, text) == expected, text
        matched += any(expected)
    assert matched > 50  # the pieces do make matches


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_first_class_holds_every_character_a_match_can_start_with(name: str) -> None:
    fast: re.Pattern[str] = getattr(label_patterns, name)
    first = re.compile(fast.pattern[: fast.pattern.index("]") + 1])
    starts = {m.group()[0] for text in _labels(3000, seed=3) for m in PLAIN[name].finditer(text)}
    assert starts and all(first.fullmatch(c) for c in starts)
    for letter in {c.lower() for c in starts if c.isascii() and c.isalpha()}:
        folded = [chr(c) for c in range(0x2000) if re.fullmatch(f"(?i){letter}", chr(c))]
        folded += ["\u212a"] if letter == "k" else []
        assert all(first.fullmatch(c) for c in folded if re.fullmatch(f"(?i){letter}", c))


# Pre-checks and patterns rewritten so that the engine scans for one literal character or a
# class (faster than trying the pattern at every place): the same answers on labels made of
# pieces around their parts, with the characters (?i) folds to i, l and s.
SCAN_PIECES = [
    *("CI", "Cl", "C.I.", "c 1", "C|", "C", "c", "I", "l", "1", "|", "L", "\u0130", "\u0131"),
    *("77891", "7749l", "O", "o", "0", "12345", "123", " ", ".", ")", "(", "[", "]", "-", "\n"),
    *("\t", ",", "_", "é", "F", "f", "F.I.L", "f. i. l", "FIL", "A-1234", "ab123", "\u017f"),
    *("Aqua", "Mica", "Titanium Dioxide", "1. ", "2) ", "3.", "x", "\u00a0", "٣"),
]


def _scan_labels(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(SCAN_PIECES, k=rng.randint(1, 14))) for _ in range(count)]


def test_the_colour_index_pattern_finds_what_its_plain_form_finds() -> None:
    from needlecare.ingredients import text as text_module

    plain = re.compile(r"\b[Cc]\s?\.?\s?[IiLl1|]\.?\s?-?\s?([0-9OoIl|]{5})(?![0-9A-Za-z])")
    matched = 0
    for label in _scan_labels(6000, seed=21):
        expected = _found(plain, label)
        assert _found(text_module._CI, label) == expected, label
        matched += any(expected)
    assert matched > 20


def test_the_split_pre_checks_answer_as_their_one_pattern_did() -> None:
    from needlecare.ingredients import items

    number_mark = re.compile(r"\d[.)]\s")
    codes_gate = (
        re.compile(r"[Ff](?i:\.?\s?I\.?\s?L)"),
        re.compile(r"(?i)[\[(]\s*[A-Z]{1,3}-?\d{3}"),
    )
    _, parts = label_patterns._GATES_BY_ID[id(label_patterns._CODES)]
    found = [0, 0]
    for label in _scan_labels(6000, seed=22):
        marked = number_mark.search(label) is not None
        assert marked == (
            items._DOT_MARK.search(label) is not None
            or items._BRACKET_MARK.search(label) is not None
        ), label
        gated = any(p.search(label) for p in codes_gate)
        assert gated == any(p.search(label) for p in parts), label
        found[0] += marked
        found[1] += gated
    assert min(found) > 100


def test_a_printable_text_has_no_odd_character_but_one_and_no_white_space_but_spaces() -> None:
    """clean_text and the binary-data check skip their searches in a printable text."""
    from needlecare.ingredients import check, text

    characters = [chr(c) for c in range(0x110000)]
    assert [c for c in characters if c.isspace() and c.isprintable()] == [" "]
    assert [c for c in characters if check._ODD_CHARACTER.match(c) and c.isprintable()] == [
        "\ufffd"
    ]
    assert all(text._OTHER_SPACE.match(c) is None for c in characters if c.isprintable())
