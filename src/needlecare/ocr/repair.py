"""Repair misread names of flagged ingredients, never silently.

The checker's own fuzzy match is strict on purpose (a typed "Retinal" is not "Retinol"). A
photo misreads letters in known ways ("Akohol Denat.", "Benz)! Akohol", "0zokerite"), and a
missed retinoid or drying alcohol is the failure that matters. So for the OCR only, an
ingredient the checker did not recognise is compared with the names that carry an avoid or
caution flag (`flags.flagged_names`), after folding the letters OCR confuses, and replaced when
the nearest known name within a small edit distance is flagged and no other name is as near
("Cetyi Akohol" stays unknown: it is nearer Cetyl Alcohol than Benzyl Alcohol). The replaced
ingredient keeps what was read (`ocr_read_as`) and must be checked against the label
(`scan.with_ocr`); a repair only adds a flagged name, so it only makes the verdict more careful.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from needlecare.ingredients import NotAnIngredientList, check_label, data
from needlecare.ingredients.flags import flagged_names
from needlecare.ocr.read import LabelReading

MIN_KEY = 6  # shorter reads are too ambiguous to repair
MAX_EDITS = 3
# Letters and marks the engine confuses, folded the same way on both sides of the comparison.
_FOLD = str.maketrans({"0": "O", "1": "L", "I": "L", "!": "L", "|": "L", "]": "L", "[": "L"})
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TOKEN = re.compile(r"[0-9A-Za-zÀ-ÿ]+")
_LOOK_ALIKE = {"I": "[Il1|]", "L": "[Il1|]", "1": "[Il1|]", "O": "[O0o]", "0": "[O0o]"}
# A grade or strength after the name ("tydroquinone USP 4% w/w"): the name is what is misread.
_STRENGTH_TAIL = re.compile(r"\s+(?:(?:USP|BP|EP|NF)\b|\d+(?:[.,]\d+)?\s*%).*$", re.IGNORECASE)
# A numbered list ("1. Water 2. Glycerin 3, Niacinamide"): a full stop read as a comma.
_NUMBER_MARK = re.compile(r"(?<!\S)(\d{1,2})\. (?=[A-Z])")
_NUMBER_COMMA = re.compile(r"(?<!\S)(\d{1,2}), (?=[A-Z])")
# A numbered list's marks as the engine also reads them: the space lost ("3.Niacinamide"), the
# full stop lost ("4 Zinc PCA"), a digit misread ("9.Phenoxyethanol" for 5, "\\. Water" for 1).
_LOOSE_MARK = re.compile(r"(?<!\S)(\d{1,2}|[\\|!Il])([.,]?) ?(?=[A-Z])")
MIN_MARKS = 3  # the parser's own least run of a numbered list
# A colour index whose "C" was read as a bracket and "I" as a one ("(177499)" for "CI 77499)"):
# the parser sees a bracketed number, and the block's brackets no longer pair up.
_BRACKET_CI = re.compile(r"(?<![0-9A-Za-z])[(\[{][Il1|] ?([0-9]{5})(?![0-9])")
# A name whose first letters were lost (at a panel's curved edge: "cohol" for "Alcohol"):
# repaired only when the read letters end exactly one known name, that name is flagged, and at
# most this many letters are missing.
MAX_LOST = 2
MIN_LOST_KEY = 5
# A colour index read with look-alike characters ("C\\ T1007" for "CI 77OO7"): a C, a mark for
# the I, and five characters, at least three of them digits, the others letters the engine
# reads for digits. Repaired only when the reading shows it was misread (a letter in the
# number, or a mark other than I or l, or a digit lost: "Cl 7891") and one known colour is that
# number or one digit from it.
_CI_LOOKALIKE = re.compile(
    r"(?<![0-9A-Za-z])C ?([Il1|\\!/:;]?)\.? ?([0-9OoDTIl|!SZB]{4,5})(?![0-9A-Za-z])"
)
_DIGITS = str.maketrans("OoDTIl|!SZB", "00071111528")
# A Drug Facts panel's "Inactive ingredients" that lost its first letters at the panel's edge
# ("active ingredients"): after the panel's own "Active ingredient" heading, a second one is the
# inactive list's (else the parser takes the inactive list for more actives' text and drops it).
_ACTIVE_HEADING = re.compile(r"(?<![A-Za-z])active ingredients?\b", re.IGNORECASE)
_LOST_INACTIVE = re.compile(r"(?<![A-Za-z])n?active ingredients?\b", re.IGNORECASE)
# A capital I read as a lower-case l at a word's start ("lron Oxides", "lsopropyl"): replaced
# only where the I word is a word of a known name and the l word is not.
_LOWER_L_WORD = re.compile(r"(?<![0-9A-Za-zÀ-ÿ])l([a-z]{2,})")


def _key(text: str) -> str:
    """Upper case, OCR-confusable letters folded, brackets and everything but letters and
    digits dropped: 'Benz)! Akohol' -> 'BENZLAKOHOL'."""
    folded = _BRACKETED.sub(" ", text).upper().translate(_FOLD)
    return "".join(character for character in folded if character.isalnum())


@cache
def _names() -> tuple[list[str], list[str | None], frozenset[str]]:
    """Folded keys of every known name, the name for each (None when two names share the
    key), and the flagged names."""
    flagged = flagged_names()
    by_key: dict[str, str | None] = {}
    for name in (*data.inventory().names, *data.drug_names(), *flagged):
        key = _key(name)
        by_key[key] = None if key in by_key and by_key[key] != name else name
    return list(by_key), list(by_key.values()), flagged


def nearest_flagged(read: str) -> str | None:
    """The flagged name `read` is a misreading of: the one known name nearest to it, when
    that name is flagged and no other name is as near. None otherwise."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    key = _key(read)
    if len(key) < MIN_KEY:
        return None
    limit = min(MAX_EDITS, round(len(key) / 4))
    keys, names, flagged = _names()
    found = process.extract(key, keys, scorer=Levenshtein.distance, score_cutoff=limit, limit=2)
    if not found:
        return None
    if len(found) > 1 and found[1][1] == found[0][1]:
        return None  # two names as near: a person must read the label
    name = names[found[0][2]]
    return name if name in flagged else None


def _variants(raw: str) -> list[str]:
    """The read name, and without a stray short word the engine added at either end."""
    words = raw.split()
    variants = [raw]
    if len(words) > 2 and len(words[0]) <= 2:
        variants.append(" ".join(words[1:]))
    if len(words) > 2 and len(words[-1]) <= 2:
        variants.append(" ".join(words[:-1]))
    return variants


def _confusable(token: str) -> str:
    """`token` as a pattern that also matches the engine's look-alike letters: the parser
    writes "CI 17491" for the "Cl 17491" the photo read."""
    return "".join(_LOOK_ALIKE.get(character.upper(), re.escape(character)) for character in token)


def _span_pattern(raw: str) -> re.Pattern[str] | None:
    """Where `raw` (the checker's cleaned reading) sits in the OCR text: its letters and digits
    in order, anything but letters between them."""
    tokens = _TOKEN.findall(raw)
    if not tokens:
        return None
    # Not inside a longer word: "cohol" must not be found in the "Alcohol" before it.
    pattern = r"(?<![0-9A-Za-zÀ-ÿ])" + r"[^0-9A-Za-zÀ-ÿ]*".join(map(_confusable, tokens))
    tail = raw[raw.rfind(tokens[-1]) + len(tokens[-1]) :].strip()
    if tail:  # "Denat." keeps its full stop
        pattern += f"(?:{re.escape(tail)})?"
    return re.compile(pattern, re.IGNORECASE)


def _repair_item(raw: str) -> list[tuple[str, str]]:
    """(text as the checker saw it, name to write) for an unrecognised ingredient: the whole
    name; or each part of a slash list ("Cl M7891/Titanium Dioxide"); or a one-word flagged
    name (a drug) inside it ("lazarotene Cream 0.1%")."""
    name = next(filter(None, map(nearest_flagged, _variants(raw))), None)
    if name is not None:
        return [(raw, name.title())]
    core = _STRENGTH_TAIL.sub("", raw)
    name = nearest_flagged(core) if core != raw else None
    if name is not None:  # the grade and strength stay as printed
        return [(raw, name.title() + raw[len(core) :])]
    lost = _lost_start(core)
    if lost is not None:
        return lost
    if "/" in raw:
        parts = raw.split("/")
        names = [nearest_flagged(part) for part in parts]
        if any(names):
            written = "/".join(n.title() if n else p for n, p in zip(names, parts, strict=True))
            return [(raw, written)]
    return _repair_words(raw)


def _lost_start(text: str) -> list[tuple[str, str]] | None:
    """A one-word reading that is a known flagged name without its first letter or two
    ("cohol (90% w/w)" -> Alcohol): (the word, the name). None when no single known name ends
    with those letters, or it is not flagged."""
    words = _TOKEN.findall(_BRACKETED.sub(" ", text))
    if len(words) != 1:
        return None
    key = _key(words[0])
    if len(key) < MIN_LOST_KEY:
        return None
    keys, names, flagged = _names()
    found = {
        names[index]
        for index, known in enumerate(keys)
        if known.endswith(key) and 0 < len(known) - len(key) <= MAX_LOST
    }
    if len(found) != 1:
        return None
    (name,) = found
    return [(words[0], name.title())] if name in flagged else None


def _colour_index(reading: LabelReading) -> LabelReading:
    """ "(177499)" -> "CI 77499)" when CI 77499 is a known colour; marked as a repair. Inside
    an open bracket the bracket read was the C; outside, it is kept ("(CI 77499)")."""
    known = set(_names()[1])
    text, repairs, cursor = "", list(reading.repairs), 0
    for match in _BRACKET_CI.finditer(reading.text):
        written = f"CI {match.group(1)}"
        if written not in known:
            continue
        before = reading.text[: match.start()]
        inside = before.count("(") > before.count(")") or before.count("[") > before.count("]")
        text += before[cursor:] + ("" if inside else match[0][0]) + written
        repairs.append((written, match[0]))
        cursor = match.end()
    if cursor == 0:
        return reading
    return replace(reading, text=text + reading.text[cursor:], repairs=tuple(repairs))


def _lookalike_colour_index(reading: LabelReading) -> LabelReading:
    """ "C\\ T1007" -> "CI 77007" when CI 77007 is the one known colour that number is, or is
    one digit from; marked as a repair."""
    from rapidfuzz.distance import Levenshtein

    known = sorted({name for name in _names()[1] if name and _CI_NAME.fullmatch(name)})
    repairs, pieces, cursor = list(reading.repairs), [], 0
    for match in _CI_LOOKALIKE.finditer(reading.text):
        mark, number = match.groups()
        if sum(character.isdigit() for character in number) < 3:
            continue
        if len(number) == 5 and number.isdigit() and mark in ("I", "l", ""):
            continue  # read as printed, or a digit misread: the checker's and nearest_flagged's
        folded = number.translate(_DIGITS)
        near = [name for name in known if Levenshtein.distance(name[3:], folded) <= 1]
        exact = f"CI {folded}"
        written = exact if exact in known else near[0] if len(near) == 1 else None
        if written is None:
            continue
        pieces += [reading.text[cursor : match.start()], written]
        repairs.append((written, match[0]))
        cursor = match.end()
    if not pieces:
        return reading
    text = "".join(pieces) + reading.text[cursor:]
    return replace(reading, text=text, repairs=tuple(repairs))


_CI_NAME = re.compile(r"CI [0-9]{5}")


@cache
def _name_words() -> frozenset[str]:
    """Every word of every known name, upper case."""
    names = (*data.inventory().names, *data.drug_names())
    return frozenset(word.upper() for name in names for word in _TOKEN.findall(name))


def _inactive_heading(reading: LabelReading) -> LabelReading:
    """ "area active ingredients water, ..." -> "area Inactive ingredients water, ..." when the
    panel already had its "Active ingredient" heading."""
    first = _ACTIVE_HEADING.search(reading.text)
    if first is None:
        return reading
    head, tail = reading.text[: first.end()], reading.text[first.end() :]
    text = head + _LOST_INACTIVE.sub("Inactive ingredients", tail, count=1)
    return reading if text == reading.text else replace(reading, text=text)


def _capital_i(reading: LabelReading) -> LabelReading:
    """ "lron Oxides" -> "Iron Oxides": the engine reads a capital I as a lower-case l, and
    the checker then misses the name (or, beside its colour indexes, reads it as three)."""
    words = _name_words()

    def capital(match: re.Match[str]) -> str:
        rest = match.group(1).upper()
        return "I" + match.group(1) if f"I{rest}" in words and f"L{rest}" not in words else match[0]

    text = _LOWER_L_WORD.sub(capital, reading.text)
    return reading if text == reading.text else replace(reading, text=text)


def _repair_words(text: str) -> list[tuple[str, str]]:
    """Drug names misread in `text` ("lazarotene"). Only drugs: a word like "Retinoid" in a
    Drug Facts panel is one edit from Retinol and is not an ingredient. A word read exactly is
    left alone: where the checker set an exact name aside it did so on purpose."""
    found = []
    for word in _TOKEN.findall(text):
        name = nearest_flagged(word) if len(word) > MIN_KEY else None
        if name in data.drug_names() and _key(word) != _key(name):
            found.append((word, name.title()))
    return found


def _numbered_list(reading: LabelReading) -> LabelReading:
    """In a numbered list (two "N. Name" marks or more), "3, Niacinamide" is mark 3 whose
    full stop was read as a comma: without it the parser takes "Glycerin 3" for one name."""
    marks = {int(number) for number in _NUMBER_MARK.findall(reading.text)}
    if len(marks) < 2:
        return reading
    highest = max(marks) + 2

    def mark(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return f"{number}. " if 1 <= number <= highest and number not in marks else match[0]

    text = _NUMBER_COMMA.sub(mark, reading.text)
    return reading if text == reading.text else replace(reading, text=text)


def _loose_numbering(reading: LabelReading) -> LabelReading:
    """ "\\. Water 2. Glycerin 3.Niacinamide 4 Zinc PCA 9.Phenoxyethanol" -> "1. Water
    2. Glycerin 3. Niacinamide 4. Zinc PCA 5. Phenoxyethanol": in a list with at least three
    marks that have their full stop, the marks are renumbered in order (the parser reads a
    numbered list only as a run 1, 2, 3 ...). A number without a full stop is a mark only when
    it is the next one; one of another width ("Polysorbate 20. Glycerin" in a list at 4) or a
    look-alike without its full stop is text."""
    marks = list(_LOOSE_MARK.finditer(reading.text))
    if sum(bool(match[2]) for match in marks) < MIN_MARKS:
        return reading
    pieces, cursor, expected = [], 0, None
    for match in marks:
        read, stop = match.groups()
        number = int(read) if read.isdigit() else 1
        if expected is None:
            if not stop:
                continue
            expected = number
        same_width = len(read) == len(str(expected)) or not read.isdigit()
        if (stop and same_width) or number == expected:
            pieces += [reading.text[cursor : match.start()], f"{expected}. "]
            cursor, expected = match.end(), expected + 1
    text = "".join(pieces) + reading.text[cursor:]
    return reading if text == reading.text else replace(reading, text=text)


def repair_reading(reading: LabelReading) -> LabelReading:
    """`reading` with misread flagged names replaced in its text, and the repairs listed as
    (name written, what was read). Unchanged when nothing is repaired."""
    reading = _loose_numbering(_numbered_list(_inactive_heading(_capital_i(reading))))
    reading = _lookalike_colour_index(_colour_index(reading))
    try:
        result = check_label(reading.text)
    except (NotAnIngredientList, ValueError):
        return reading
    found: list[tuple[str, str]] = []  # (what the checker saw, name to write)
    for item in result["ingredients"]:
        if not item["recognized"]:
            found += _repair_item(item["raw"])
    for ignored in result["ignored"]:
        found += _repair_words(ignored["text"])
    text = reading.text
    repairs = list(reading.repairs)
    for raw, written in found:
        pattern = _span_pattern(raw)
        match = pattern.search(text) if pattern else None
        if match is None:
            continue
        text = text[: match.start()] + written + text[match.end() :]
        repairs.append((written, match.group(0)))
    if text == reading.text:
        return reading
    return replace(reading, text=text, repairs=tuple(repairs))
