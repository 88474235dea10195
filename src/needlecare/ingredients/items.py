"""Cut the body of a list into items at its separators, and clean each item's name."""

from __future__ import annotations

import re
from functools import lru_cache

from needlecare.ingredients.label_patterns import (
    _CLAIM,
    _CLAIM_BIT,
    _CODES,
    _CODES_BIT,
    _CONNECTOR,
    _CONNECTOR_BIT,
    _DIGIT_BIT,
    _HEADER,
    _HEADER_BIT,
    _MAY_BIT,
    _MAY_CONTAIN,
    _MAY_CONTAIN_BODY,
    _MAY_MARK,
    LABEL_HINTS,
    FirstUsePattern,
    replace_noting,
)
from needlecare.ingredients.parsed import (
    CLAIM,
    CODE,
    CONNECTOR,
    HEADING,
    MARKER,
    PUNCTUATION,
    SOFT_BREAK,
    Ignored,
    RawItem,
    note_ignored,
)
from needlecare.ingredients.text import has_any, replace_each

_LINE_END = re.compile(r"[ \t]*\r?\n[ \t]*")
_SPACED_SOFT_BREAK = f" {SOFT_BREAK} "
_MAY_CONTAIN_BRACKET = FirstUsePattern(r"[\[({]\s*(?=" + _MAY_CONTAIN_BODY + ")", re.IGNORECASE)
_BLEND = re.compile(r"(?i)\(\s*(?:and|&|et|und)\s*\)")
_BULLETS = "•●▪■◆◇○◦∙·・、|"
# A spaced slash between two scripts ("水・BG・グリセリン / Water・Butylene Glycol"): the seam of
# a label's list in two languages, or a name and its translation ("水 / Water"); either way
# two names, never one slash name (which is written in one script: "Caprylic/Capric").
# A seam is what the pattern
#   (?<=[CJK])[ \t]+/[ \t]+(?=[A-Za-z])|(?<=[A-Za-z0-9.)\]])[ \t]+/[ \t]+(?=[CJK])
# matches (CJK: the ranges of _CJK_RANGES): a spaced slash, found by _SPACED_SLASH, and its two
# neighbours tested by _seam. (That pattern's classes of ~39,000 characters cost ~37 M
# instructions to compile, in every process that reads a CJK label; the same matches:
# tests/ingredients/test_script_seam.py.)
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xFF01, 0xFF5E),
)
_CJK_LOWEST = "\u3040"  # every character of _CJK_RANGES is at or above it (a pre-check with max())
_SPACED_SLASH = FirstUsePattern(r"[ \t]+/[ \t]+")
_LATIN_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.)]")
_SEPARATORS = ",;\x01\n"
# The dot comes first so that the engine skips to dots; the look-behinds then exclude the
# abbreviations that end in one.
_SENTENCE_END = re.compile(
    r"\.(?<!\bdenat\.)(?<!\bno\.)(?<!\bsp\.)(?<!\bspp\.)(?<!\bvar\.)(?<!\bsubsp\.)"
    r"(?<!\bssp\.)(?<!\bst\.)(?<!\bext\.)(?<!\bfil\.)(?<!\bph\.)(?<!\bph\. eur\.)"
    r"(?=\s+\S|\s*$)",  # ("Adapalene Ph. Eur. 0.1%": the European Pharmacopoeia's mark)
    re.IGNORECASE,
)
# Commas that belong to a name or a number: locants (1,2-Hexanediol; 2,4,6-...) and decimal
# commas of a strength (0,5 %, 0,05 g, 0,1 mg/g). "CI 77491,77492" and "77491,1,2-Hexanediol"
# are still split. (The comma comes first so that the engine skips to commas.)
_DIGIT_COMMA = re.compile(
    r",(?:(?<=\b\d,)(?=\d(?:,\d)*-)|(?<=\d,)(?=\d+\s*(?:%|(?:mg|mcg|µg|g)\b)))"
)
# "1, 2-Hexanediol" / "1,2 Hexanediol": a locant split by a space; rejoined before splitting.
_SPACED_LOCANT = re.compile(r",(?<=(?<![\w.,])\d,)[ \t]*(?=\d(?:,\d)*[- ][A-Za-z])")
# The look-behinds let a match start only where a number starts: without them a long run of
# digits costs quadratic time (found by bench/fuzz_parsers.py).
_PERCENT = re.compile(
    r"\(?\s*(?:(?<![\d.,])\d+(?:[.,]\d+)?\s*(?:-|to)\s*)?(?<![\d.,])(\d+(?:[.,]\d+)?)\s*%"
    r"\s*(?:[wW]/[wWvV]|[vV]/[vV]|[pP]/[pP])?\s*\)?"  # "0.1% W/W", "2 % p/p"
)
_GLUED_PERCENT = re.compile(r"(\d\s*%)(?=[A-Z][a-z])")
# Strengths of pharmacy labels: "1 mg", "(1 mg/g)", "0.5 mg per gram", "0,05 g". Only an amount
# per gram or ml is a concentration (1 mg/g = 0.1 %); a bare amount is removed from the name
# and nothing more. Grams only with decimals and not after a hyphen: "PEG-7 G..." is a name.
_MASS_STRENGTH = re.compile(
    r"(?i)\(?\s*(?:(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(mg|mcg|µg|micrograms?)"
    r"|(?<![\w.,-])(\d+[.,]\d+)\s*(g))\b"
    r"(\s*(?:/|per)\s*(?:g|gm|gram|ml|millilit(?:er|re))\b)?\s*\)?"
)
# "0.05 g per 100 g", "0,1 g/100 g", "25 mg pour 100 g" (EU leaflets, in any of their
# languages): grams per 100 grams is a percentage.
_PER_HUNDRED = re.compile(
    r"(?i)\(?\s*(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(mg|g)\s*(?:/|per|in|pour|por|pro|je|su)\s*"
    r"100\s*(?:g|gm|grams?|gramos|gramm|grammes?)\b\s*\)?"
)
_NANO = re.compile(r"(?i)[\[(]\s*nano\s*[\])]|\bnano\s*[\])]?$")
_INLINE_NUMBER = re.compile(r"(?<![\w,.-])(\d{1,2})[.)]\s+(?=[A-Za-z])")
# A part of every _INLINE_NUMBER match, \d[.)]\s (a fast pre-check), as two patterns that each
# start with one literal character: the engine scans for it faster than for a class.
_DOT_MARK, _BRACKET_MARK = re.compile(r"\.(?<=\d.)\s"), re.compile(r"\)(?<=\d.)\s")
_LEADING_BLANKS = re.compile(r"[ \t]*")
_OPENING_ONE = re.compile(r"1[.)][ \t]+(?=[A-Za-z])")
_LINE_NUMBERING = re.compile(r"(?m)^[ \t]*\d{1,3}[.)][ \t]+")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[-*+>]\s+)")
_FOOTNOTE_MARKS = re.compile(r"[*^°+#~]+")
# "Glycerin (1)", "Squalane [2]", "Aqua (*)": a footnote reference after the name.
_FOOTNOTE_REFERENCE = re.compile(r"\s*[\[(]\s*(?:\d{1,2}|[a-c]|[*†‡]+)\s*[\])]\s*$")
_EDGE = re.compile(r"^[\s.:;,\-–/\\'\"]+|[\s:;,\-/\\'\"]+$")
_OPEN, _CLOSE = "([{【", ")]}】"
_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")
_BRACKET_OR_SEPARATOR = re.compile(f"[{re.escape(_OPEN + _CLOSE + _SEPARATORS)}]")
# An opening bracket followed, before any closing one, by another opening bracket or a
# separator: brackets nested, or a separator inside brackets (no match: every bracket pair is
# flat and holds no separator, so every separator is outside brackets).
_NESTED_OR_SEPARATED = FirstUsePattern(
    f"[{re.escape(_OPEN)}][^{re.escape(_OPEN + _CLOSE + _SEPARATORS)}]*"
    f"[{re.escape(_OPEN + _SEPARATORS)}]"
)


def _is_cjk(character: str) -> bool:
    return character >= _CJK_LOWEST and any(lo <= ord(character) <= hi for lo, hi in _CJK_RANGES)


def _seam(match: re.Match[str]) -> str:
    """A spaced slash with a CJK character on one side and a Latin one on the other is a
    separator. (A match of _SPACED_SLASH spans whole runs of blanks: it starts after a character
    that is not one and ends before one, as a seam does; and no seam starts inside it, where
    the character before is a blank or the slash.)"""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and after:
        if _is_cjk(before) and after.isascii() and after.isalpha():
            return ","
        if before in _LATIN_BEFORE and _is_cjk(after):
            return ","
    return match[0]


def split_items(text: str, ignored: list[Ignored], start: int) -> list[RawItem]:
    # Each step runs only when the label holds a word or character every match needs (the
    # label's hint bits, see hint_mask; all bits set outside parse_label).
    mask = LABEL_HINTS.get()
    if mask is None:
        mask = -1
    if mask & _CLAIM_BIT:
        text = replace_noting(_CLAIM, text, ",", CLAIM, ignored)
    if mask & _CODES_BIT:
        text = replace_noting(_CODES, text, ",", CODE, ignored)
    # "Key ingredients: ... Full ingredient list: ...": a later header is a separator.
    if mask & _HEADER_BIT:
        text = replace_noting(_HEADER, text, ",", HEADING, ignored)
    if mask & _MAY_BIT:  # every "may contain" bracket holds a "may contain" hint
        text = _transparent_may_contain_brackets(text)
        text = replace_noting(_MAY_CONTAIN, text, _MAY_MARK, MARKER, ignored)
    if mask & _CONNECTOR_BIT:
        text = replace_noting(_CONNECTOR, text, ",", CONNECTOR, ignored)
    if "(" in text:
        text = _BLEND.sub(",", text)
    blanks = _LEADING_BLANKS.match(text)  # (not a copy of the text, as lstrip makes)
    first = blanks.end() if blanks else 0
    # "1. Aqua 2. Polysorbate 20. Glycerin": a one-line list that opens with "1." counts on.
    opened = "\n" not in text and _OPENING_ONE.match(text, first) is not None
    if "\n" in text or text[first : first + 1].isdigit():  # numbering opens a line
        text = _LINE_NUMBERING.sub("\n", text)
    digits = mask & _DIGIT_BIT
    if digits:
        text = _inline_numbering(text, opened)
    if not text.isascii() or "|" in text:  # (every other bullet is not ASCII; isascii is O(1))
        text = replace_each(text, _BULLETS, ",")
    if " / " in text and max(text) >= _CJK_LOWEST:  # (a seam's look-behinds try every place)
        text = _SPACED_SLASH.sub(_seam, text)
    if digits:
        if "%" in text:  # "Zinc Oxide 6.90%Water": a strength glued to the next name
            text = _GLUED_PERCENT.sub(_with_comma, text)
        if "," in text:
            text = _SPACED_LOCANT.sub("\x02", text)
            text = _DIGIT_COMMA.sub("\x02", text)  # 1,2-Hexanediol keeps its comma
    if "," not in text and ";" not in text and _MAY_MARK not in text:  # "Aqua / Glycerin", "A - B"
        for spaced in (" / ", " - "):
            if text.count(spaced) >= 2:
                text = text.replace(spaced, ",")
    if "\n" in text and not _newlines_separate(text):
        # Probably a wrapped line; the checker splits here if both halves are known names.
        text = _LINE_END.sub(_SPACED_SOFT_BREAK, text)
    if "." in text:
        text = _SENTENCE_END.sub(",", text)
    pieces = _split_outside_brackets(text)
    items: list[RawItem] = []
    may_contain = False
    for piece, opens_block in pieces:
        may_contain = may_contain or opens_block
        raw, cleaned, percent, nano = _read_piece(piece)
        if not raw:
            continue
        if not cleaned:
            note_ignored(ignored, raw, PUNCTUATION)
            continue
        items.append(RawItem(raw, cleaned, start + len(items), percent, nano, may_contain))
    return items


def _with_comma(match: re.Match[str]) -> str:
    return match[1] + ","  # as the template "\\1," (a function is cheaper than a template)


def _inline_numbering(text: str, opened: bool = False) -> str:
    """'1. Water 2. Glycerin 3. Niacinamide' (a numbered list on one line): numbers are separators.

    Only a count n, n+1, n+2, ... of at least three marks, or one that goes on from the "1."
    that opened the text (`opened`, already taken away); a number out of that count stays in
    its name ('1. Aqua 2. Polysorbate 20. Glycerin 3. Niacinamide': POLYSORBATE 20).
    """
    if _DOT_MARK.search(text) is None and _BRACKET_MARK.search(text) is None:
        return text
    found = list(_INLINE_NUMBER.finditer(text))
    if not found:
        return text
    expected = 2 if opened else int(found[0][1])
    marks = []
    for mark in found:
        if int(mark[1]) == expected:
            marks.append(mark)
            expected += 1
    if len(marks) < 3 and not (opened and marks):
        return text
    for mark in reversed(marks):
        text = text[: mark.start()] + "," + text[mark.end() :]
    return text


def _transparent_may_contain_brackets(text: str) -> str:
    """'[+/- CI 77891, CI 77491]' is a list, not one bracketed name: open it up."""
    while (match := _MAY_CONTAIN_BRACKET.search(text)) is not None:
        close = _matching_close(text, match.start())
        end = close if close is not None else len(text)
        inner = text[match.end() : end]
        text = text[: match.start()] + "," + inner + "," + text[end + 1 :]
    return text


def _matching_close(text: str, open_at: int) -> int | None:
    depth = 0
    for index in range(open_at, len(text)):
        if text[index] in _OPEN:
            depth += 1
        elif text[index] in _CLOSE:
            depth -= 1
            if depth == 0:
                return index
    return None


def _newlines_separate(text: str) -> bool:
    """One name per line (no commas) vs a comma list wrapped over several lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    separators = sum(text.count(c) for c in ",;\x01")
    return len(lines) >= 3 and separators < (len(lines) - 1) / 2


def _split_outside_brackets(text: str) -> list[tuple[str, bool]]:
    """Split at separators at bracket depth 0; unmatched brackets are treated as spaces."""
    if not has_any(_OPEN + _CLOSE, text):  # no bracket (most lists): every separator splits
        if ";" not in text and "\n" not in text and _MAY_MARK not in text:
            return [(piece, False) for piece in text.split(",")]
    else:
        text = _drop_unmatched_brackets(text)
        if (
            ";" not in text
            and "\n" not in text
            and _MAY_MARK not in text
            and _NESTED_OR_SEPARATED.search(text) is None
        ):
            return [(piece, False) for piece in text.split(",")]  # (as the loop below splits)
    pieces: list[tuple[str, bool]] = []
    depth = 0
    piece_start = 0
    opens_block = False
    # Only brackets and separators matter: visit those, not every character (long labels).
    for match in _BRACKET_OR_SEPARATOR.finditer(text):
        char = match[0]
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif depth == 0:
            pieces.append((text[piece_start : match.start()], opens_block))
            piece_start, opens_block = match.end(), char == _MAY_MARK
    pieces.append((text[piece_start:], opens_block))
    return pieces


def _drop_unmatched_brackets(text: str) -> str:
    stack: list[int] = []
    unmatched: list[int] = []
    for match in _BRACKET.finditer(text):
        index, char = match.start(), match[0]
        if char in _OPEN:
            stack.append(index)
        elif stack and _OPEN.index(text[stack[-1]]) == _CLOSE.index(char):
            stack.pop()
        else:
            unmatched.append(index)
    unmatched += stack
    if not unmatched:
        return text
    chars = list(text)
    for index in unmatched:
        chars[index] = " "
    return "".join(chars)


@lru_cache(maxsize=16384)
def _read_piece(piece: str) -> tuple[str, str, float | None, bool]:
    """The printed text of one piece and its cleaned name, percent and nano mark.

    Cached: the same pieces (", Glycerin") come back in list after list."""
    piece = piece.replace("\x02", ",").strip().strip(SOFT_BREAK)
    raw = _EDGE.sub("", " ".join(piece.replace(SOFT_BREAK, "").split()))
    if not raw:
        return raw, "", None, False
    return (raw, *clean_item(" ".join(piece.split())))


# "L (+) Lactic Acid", "L(+)-Lactic Acid": the sign of optical rotation after a stereo prefix,
# kept as the prefix alone ("L-Lactic Acid") so that a "+" is not read as a footnote mark.
_ROTATION = re.compile(r"(?i)(?<![\w-])(DL|D|L)\s*\(\s*[+\-±]\s*\)\s*-?\s*(?=[A-Za-z]{3})")


@lru_cache(maxsize=16384)
def clean_item(raw: str) -> tuple[str, float | None, bool]:
    """Strip what decorates a name: %, [nano], footnote marks, numbering, edge punctuation.

    Cached: the same printed names (Aqua, Glycerin) come back in list after list."""
    percent = None
    match = _PERCENT.search(raw)
    text = raw
    if match:
        percent = float(match[1].replace(",", "."))
        text = text[: match.start()] + " " + text[match.end() :]
    per_hundred = _PER_HUNDRED.search(text) if "100" in text else None
    if per_hundred:
        if percent is None:
            amount = float(per_hundred[1].replace(",", "."))
            percent = amount / 1000 if per_hundred[2].lower() == "mg" else amount
        text = text[: per_hundred.start()] + " " + text[per_hundred.end() :]
    mass = _MASS_STRENGTH.search(text)
    if mass:
        if percent is None and mass[5]:
            amount = float((mass[1] or mass[3]).replace(",", "."))
            unit = (mass[2] or mass[4]).lower()
            if unit == "g":
                percent = amount * 100
            else:
                per_gram = amount / 10
                percent = per_gram if unit == "mg" else per_gram / 1000
        text = text[: mass.start()] + " " + text[mass.end() :]
    nano = bool(_NANO.search(text))
    text = _NANO.sub(" ", text)
    text = _NUMBERING.sub("", text)
    text = _ROTATION.sub(r"\1-", text)  # before the footnote marks take the sign
    text = _FOOTNOTE_REFERENCE.sub(" ", text)
    text = _FOOTNOTE_MARKS.sub(" ", text)
    text = re.sub(r"[\[(]\s*[\])]", " ", text)  # brackets emptied by the steps above
    text = _EDGE.sub("", " ".join(text.split()))
    return text, percent, nano
