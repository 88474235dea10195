"""Split a printed label into ingredient items, the way labels really arrive.

The parser only splits and cleans; deciding what a piece of text *is* belongs to the recogniser.
It never drops text silently: what it cuts off (headers, "free from" claims, directions) goes to
`ParsedLabel.ignored`, so nothing that might be a name is lost without a trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from needlecare.ingredients.text import clean_text, fix_colour_index

SOFT_BREAK = "\x03"  # a line end inside an item: a wrap, or a missing separator


@dataclass(frozen=True)
class RawItem:
    raw: str  # the item as printed (trimmed)
    text: str  # cleaned for recognition: no %, [nano], asterisks, bullets
    position: int  # 0-based order in the list
    percent: float | None = None
    nano: bool = False
    may_contain: bool = False
    active: bool = False  # a drug-facts "Active ingredient"


@dataclass
class ParsedLabel:
    items: list[RawItem]
    ignored: list[str] = field(default_factory=list)


_HEADER_WORD = (
    r"(?:full\s+|key\s+|other\s+)?(?:ingred[il1]ents?(?:\s+list)?|ingr[ée]dients?|inci(?:\s+names?)?"
    r"|composition|zutaten|inhaltsstoffe|ingredientes|ingredienti|sk[łl]adniki|全成分|成分|전성분)"
)
_HEADER = re.compile(
    rf"(?i)[\[【]\s*{_HEADER_WORD}\s*[\]】]\s*:?"
    rf"|\b{_HEADER_WORD}(?:\s*[/|,]\s*{_HEADER_WORD})*\s*(?:[:：]|\n)"
)
_ACTIVE_HEADER = re.compile(r"(?i)\bactive\s+ingredients?\b(?:\s*\([^)]*\))?\s*:?|\bactives?\s*:")
_INACTIVE_HEADER = re.compile(r"(?i)\binactive\s+ingredients?\b\s*:?|\binactives?\s*:")
# Sections that follow an ingredient list on packs and drug-facts panels; never names.
_TAIL = re.compile(
    # Weak words end a list only at the start of a line or after punctuation...
    r"(?im)(?:(?:^|(?<=[.\n;:,]))[ \t]*(?:directions|how\s+to\s+use|to\s+use|usage|uses|warnings?"
    r"|cautions?|precautions?|storage|store\s+(?:at|in|below)|made\s+in|when\s+using"
    r"|stop\s+use|do\s+not\s+use|ask\s+a\s+doctor|questions)\b"
    # ...phrases that no ingredient name contains end it anywhere.
    r"|\b(?:other\s+information|questions\s+or\s+comments|for\s+external\s+use"
    r"|keep\s+out\s+of\s+(?:the\s+)?reach|manufactured\s+(?:by|for)|distributed\s+by"
    r"|net\s+(?:wt|weight|contents?)|directions\s*:|warnings?\s*:))\s*[?:.]?"
)
_CLAIM = re.compile(
    r"(?i)\b(?:free\s+(?:from|of)|formulated\s+without|made\s+without|without|contains\s+no"
    r"|does\s+not\s+contain|no\s+added|we\s+never\s+use|0\s*%\s+(?=[a-z]))\b[^.\n]*"
)
# Formula, batch and shelf-life codes printed next to the list ("[F.I.L. D12345/1]", "Lot: 2B")
_CODES = re.compile(
    r"(?i)[\[(]?\s*\bF\.?\s?I\.?\s?L\.?\s*(?:code\s*)?[:#]?\s*[A-Z]?\d[\w/.-]*\s*[\])]?"
    r"|\b(?:lot|batch|exp(?:iry)?|pao)\s*(?:no\.?|n°|#|:)\s*[\w/.-]+"
    r"|[\[(]\s*[A-Z]{1,3}-?\d{3,}[\w/-]*\s*[\])]"  # "(G-7223)", "[B12345/2]"
)
_MAY_CONTAIN_BODY = (
    r"(?:\bmay\s+contain\b|\bpeut\s+contenir\b|\bkann\s+enthalten\b|\bpuede\s+contener\b"
    r"|\bpu[oò]\s+contenere\b|\bcontient\s+peut-être\b|\+\s*/\s*-|\(\s*\+\s*/?\s*-\s*\)|±)"
)
_MAY_CONTAIN = re.compile(_MAY_CONTAIN_BODY + r"\s*:?", re.IGNORECASE)
_MAY_CONTAIN_BRACKET = re.compile(r"[\[({]\s*(?=" + _MAY_CONTAIN_BODY + ")", re.IGNORECASE)
_MAY_MARK = "\x01"  # separator that also opens the "may contain" block
_BLEND = re.compile(r"(?i)\(\s*(?:and|&|et|und)\s*\)")
_BULLET = re.compile(r"[•●▪■◆◇○◦∙·・、|]")
_SEPARATORS = ",;\x01\n"
_SENTENCE_END = re.compile(
    r"(?<!\bdenat)(?<!\bno)(?<!\bsp)(?<!\bspp)(?<!\bvar)(?<!\bsubsp)"
    r"(?<!\bssp)(?<!\bst)(?<!\bext)(?<!\bfil)\.(?=\s+\S|\s*$)",
    re.IGNORECASE,
)
# Commas that belong to a name or a number: locants (1,2-Hexanediol; 2,4,6-...) and decimal
# commas (0,5 %). "CI 77491,77492" and "77491,1,2-Hexanediol" are still split.
_DIGIT_COMMA = re.compile(r"(?<=\b\d),(?=\d(?:,\d)*-)|(?<=\d),(?=\d+\s*%)")
# The look-behinds let a match start only where a number starts: without them a long run of
# digits costs quadratic time (found by bench/fuzz_parsers.py).
_PERCENT = re.compile(
    r"\(?\s*(?:(?<![\d.,])\d+(?:[.,]\d+)?\s*(?:-|to)\s*)?(?<![\d.,])(\d+(?:[.,]\d+)?)\s*%"
    r"\s*(?:w/w|w/v|v/v)?\s*\)?"
)
_NANO = re.compile(r"(?i)[\[(]\s*nano\s*[\])]|\bnano\s*[\])]?$")
_INLINE_NUMBER = re.compile(r"(?<![\w,.-])(\d{1,2})[.)]\s+(?=[A-Za-z])")
_LINE_NUMBERING = re.compile(r"(?m)^[ \t]*\d{1,3}[.)][ \t]+")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[-*+>]\s+)")
_FOOTNOTE_MARKS = re.compile(r"[*^°+#~]+")
_EDGE = re.compile(r"^[\s.:;,\-–/\\'\"]+|[\s:;,\-/\\'\"]+$")
_DOT_LEADERS = re.compile(r"\.{2,}|…+|_{2,}")
_OPEN, _CLOSE = "([{【", ")]}】"
_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")
_BRACKET_OR_SEPARATOR = re.compile(f"[{re.escape(_OPEN + _CLOSE + _SEPARATORS)}]")
_PURPOSES = re.compile(
    r"(?i)^\s*(?:purposes?|sunscreens?|acne\s+(?:treatment|medication)|skin\s+protectant"
    r"|anti-?\s?perspirant|anti-?\s?dandruff|antiseptic|antibacterial|antimicrobial|antifungal"
    r"|(?:external\s+)?analgesic|anti-?\s?itch|skin\s+(?:lightener|bleaching)|retinoid"
    r"|topical\s+\w+|hand\s+sanitizer|first\s+aid)\b[\s,;]*"
)


def parse_label(text: str) -> ParsedLabel:
    """Split label text into items; never raises on any string."""
    text = fix_colour_index(clean_text(text))
    ignored: list[str] = []
    text = _cut_tail(_drop_header(text, ignored), ignored)
    active = _ACTIVE_HEADER.search(text)
    if active:
        return _parse_drug_facts(text, active, ignored)
    return ParsedLabel(_split_items(text, ignored, start=0), ignored)


def _drop_header(text: str, ignored: list[str]) -> str:
    if _ACTIVE_HEADER.search(text):
        return text
    headers = list(_HEADER.finditer(text))
    if not headers:
        return text
    # "Key ingredients: Retinol. Ingredients: Aqua, ...": a teaser list is skipped; any later
    # header ("Other ingredients:") becomes a separator, so nothing after the first is lost.
    full = [h for h in headers if not re.match(r"(?i)\W*key\b", h[0])]
    header = (full or headers)[0]
    if header.start() > 0 and text[: header.start()].strip():
        ignored.append(text[: header.start()].strip())
    return text[header.end() :]


def _cut_tail(text: str, ignored: list[str]) -> str:
    for match in _TAIL.finditer(text):
        before = text[: match.start()]
        # A tail section only ends a list that has begun: "Uses" as the first word is not a cut.
        if re.search(r"[A-Za-z]{3}", before) and not _inside_brackets(before):
            inactive = _INACTIVE_HEADER.search(text, match.end())
            if inactive:  # drug facts put "Directions/Warnings" before "Inactive ingredients"
                ignored.append(text[match.start() : inactive.start()].strip())
                return _cut_tail(before + "\n" + text[inactive.start() :], ignored)
            ignored.append(text[match.start() :].strip())
            return before
    return text


def _inside_brackets(text: str) -> bool:
    return sum(text.count(c) for c in _OPEN) > sum(text.count(c) for c in _CLOSE)


def _parse_drug_facts(text: str, active: re.Match[str], ignored: list[str]) -> ParsedLabel:
    inactive = _INACTIVE_HEADER.search(text, active.end())
    actives_text = text[active.end() : inactive.start() if inactive else len(text)]
    items = _parse_actives(actives_text, ignored)
    if inactive:
        items += _split_items(text[inactive.end() :], ignored, start=len(items))
    if text[: active.start()].strip():
        ignored.append(text[: active.start()].strip())
    return ParsedLabel(items, ignored)


def _parse_actives(text: str, ignored: list[str]) -> list[RawItem]:
    """'Avobenzone 3% Sunscreen Homosalate 10% Sunscreen' -> named actives with their %."""
    text = _DOT_LEADERS.sub(" ", text)
    matches = list(re.finditer(r"\(?\s*(\d+(?:[.,]\d+)?)\s*%\s*(?:w/w|w/v)?\s*\)?", text))
    if not matches:
        found = _split_items(text, ignored, start=0)
        return [
            RawItem(i.raw, i.text, i.position, i.percent, i.nano, i.may_contain, True)
            for i in found
        ]
    items: list[RawItem] = []
    previous_end = 0
    for match in matches:
        name = text[previous_end : match.start()]
        while (purpose := _PURPOSES.match(name)) is not None and purpose.end() > 0:
            name = name[purpose.end() :]
        name = _EDGE.sub("", " ".join(name.split()))
        previous_end = match.end()
        if not name:
            continue
        percent = float(match[1].replace(",", "."))
        raw = f"{name} {match[1]}%"
        items.append(RawItem(raw, clean_item(name)[0], len(items), percent, active=True))
    rest = _PURPOSES.sub("", text[previous_end:]).strip(" .;,\n")
    if rest:
        ignored.append(rest)
    return items


def _split_items(text: str, ignored: list[str], start: int) -> list[RawItem]:
    for noise in (_CLAIM, _CODES):
        for match in noise.finditer(text):
            ignored.append(match[0].strip())
        text = noise.sub(",", text)
    text = _HEADER.sub(",", text)  # "Key ingredients: ... Full ingredient list: ..."
    text = _transparent_may_contain_brackets(text)
    text = _MAY_CONTAIN.sub(_MAY_MARK, text)
    text = _BLEND.sub(",", text)
    text = _LINE_NUMBERING.sub("\n", text)
    text = _inline_numbering(text)
    text = _BULLET.sub(",", text)
    text = _DIGIT_COMMA.sub("\x02", text)  # 1,2-Hexanediol keeps its comma
    if not any(c in text for c in ",;\x01"):  # "Aqua / Glycerin / Panthenol", "Aqua - Glycerin"
        for spaced in (" / ", " - "):
            if text.count(spaced) >= 2:
                text = text.replace(spaced, ",")
    if not _newlines_separate(text):
        # Probably a wrapped line; the checker splits here if both halves are known names.
        text = re.sub(r"[ \t]*\r?\n[ \t]*", f" {SOFT_BREAK} ", text)
    text = _SENTENCE_END.sub(",", text)
    pieces = _split_outside_brackets(text)
    items: list[RawItem] = []
    may_contain = False
    for piece, opens_block in pieces:
        may_contain = may_contain or opens_block
        piece = piece.replace("\x02", ",").strip().strip(SOFT_BREAK)
        raw = _EDGE.sub("", " ".join(piece.replace(SOFT_BREAK, "").split()))
        if not raw:
            continue
        cleaned, percent, nano = clean_item(" ".join(piece.split()))
        if not cleaned:
            ignored.append(raw)
            continue
        items.append(RawItem(raw, cleaned, start + len(items), percent, nano, may_contain))
    return items


def _inline_numbering(text: str) -> str:
    """'1. Water 2. Glycerin 3. Niacinamide' (a numbered list on one line): numbers are separators.

    Only a run 1, 2, 3, ... of at least three counts, so 'Polysorbate 20. Glycerin' is untouched.
    """
    marks = list(_INLINE_NUMBER.finditer(text))
    numbers = [int(m[1]) for m in marks]
    if len(marks) < 3 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
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
    text = _drop_unmatched_brackets(text)
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


def clean_item(raw: str) -> tuple[str, float | None, bool]:
    """Strip what decorates a name: %, [nano], footnote marks, numbering, edge punctuation."""
    percent = None
    match = _PERCENT.search(raw)
    text = raw
    if match:
        percent = float(match[1].replace(",", "."))
        text = text[: match.start()] + " " + text[match.end() :]
    nano = bool(_NANO.search(text))
    text = _NANO.sub(" ", text)
    text = _NUMBERING.sub("", text)
    text = _FOOTNOTE_MARKS.sub(" ", text)
    text = re.sub(r"[\[(]\s*[\])]", " ", text)  # brackets emptied by the steps above
    text = _EDGE.sub("", " ".join(text.split()))
    return text, percent, nano
