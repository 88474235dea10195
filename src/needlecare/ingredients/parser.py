"""Split a printed label into ingredient items, the way labels really arrive.

The parser only splits and cleans; deciding what a piece of text *is* belongs to the recogniser.
It never drops text silently: what it cuts off (headers, "free from" claims, directions, the
connecting words of pharmacy labels) goes to `ParsedLabel.ignored` with the reason, so nothing
that might be a name is lost without a trace (the checker looks for actives in it again).
"""

from __future__ import annotations

import re
from dataclasses import replace

from needlecare.ingredients.items import _CLOSE, _EDGE, _OPEN, split_items
from needlecare.ingredients.label_patterns import (
    _ACTIVE_HEADER,
    _DRUG_BIT,
    _HEADER,
    _HEADER_BIT,
    _INACTIVE_HEADER,
    _KEY_HEADER,
    _TAIL,
    DRUG_HINTS,
    LABEL_HINTS,
    cannot_match,
    hint_mask,
    lowered_label,
)
from needlecare.ingredients.parsed import (
    BEFORE_LIST,
    HEADING,
    NOT_A_NAME,
    PUNCTUATION,
    PURPOSE,
    SECTION,
    Ignored,
    ParsedLabel,
    RawItem,
    note_ignored,
)
from needlecare.ingredients.text import clean_text, fix_colour_index

# (compiled once: a module-level re.search looks its pattern up in re's cache at every call)
_THREE_LETTERS = re.compile(r"[^\W\d_]{3}")
_THREE_ASCII_LETTERS = re.compile(r"[A-Za-z]{3}")
_AFTER_SENTENCE_MARK = re.compile(r"(?<=[.\n;])")
_ACTIVE_STRENGTH = re.compile(r"\(?\s*(\d+(?:[.,]\d+)?)\s*%\s*(?:w/w|w/v)?\s*\)?")
_DOT_LEADERS = re.compile(r"\.{2,}|…+|_{2,}")
# ("Adapalene 0.1% (retinoid) Purpose: Acne treatment": the drug's class in brackets is a purpose)
_PURPOSES = re.compile(
    r"(?i)^[\s:.(-]*(?:purposes?|sunscreens?|acne\s+(?:treatment|medication)|skin\s+protectant"
    r"|anti-?\s?perspirant|anti-?\s?dandruff|antiseptic|antibacterial|antimicrobial|antifungal"
    r"|(?:external\s+)?analgesic|anti-?\s?itch|skin\s+(?:lightener|bleaching)|retinoid"
    r"|topical\s+\w+|hand\s+sanitizer|first\s+aid)\b\)?[\s,;]*"
)
# "... Purpose: Acne treatment Uses treats acne": a panel printed on one line; after a purpose,
# "Uses" opens the panel's uses (what the drug treats), never a name.
_USES_AFTER_PURPOSE = re.compile(r"(?i)^\s*uses\b.*", re.DOTALL)


def parse_label(text: str) -> ParsedLabel:
    """Split label text into items; never raises on any string."""
    text = fix_colour_index(clean_text(text))
    tokens = text.lower().split()
    hints = LABEL_HINTS.set(hint_mask(tokens))
    try:
        parsed = _parse(text)
    finally:
        LABEL_HINTS.reset(hints)
    parsed.tokens = tokens
    return parsed


def _parse(text: str) -> ParsedLabel:
    ignored: list[Ignored] = []
    body = _cut_tail(_drop_header(text, ignored), ignored)
    body = _key_ingredient_entries(body, ignored)
    drug_label = _may_have_drug_headings(body)
    headings = _drug_headings(body) if drug_label else []
    if headings:
        items = _parse_drug_facts(body, headings, ignored)
    else:
        items = split_items(body, ignored, start=0)
    return ParsedLabel(items, ignored, text)


# Retailers' key-ingredient lists: "-Glycolic Acid: Reduces the signs of aging. -Malic Acid:
# Supports cell renewal, fights wrinkles, exfoliates, and moisturizes." Each "-Name:" opens an
# entry; its first sentence, commas included, says what the ingredient does. Any text after
# that sentence (a full ingredient list after the key ones) is read as usual.
_KEY_ENTRY = re.compile(r"(?:^|(?<=\s))-\s*([^\s:-][^:]{0,80}?)\s*:(?=\s)")
_DESCRIPTION_END = re.compile(r"\.(?:\s|$)")


def _key_ingredient_entries(text: str, ignored: list[Ignored]) -> str:
    """The names of a key-ingredient list (two entries or more), their descriptions ignored."""
    if text.count(":") < 2 or not text.lstrip().startswith("-"):  # (count copies nothing)
        return text
    entries = list(_KEY_ENTRY.finditer(text))
    if len(entries) < 2 or text[: entries[0].start()].strip():
        return text
    pieces = []
    for entry, following in zip(entries, [*entries[1:], None], strict=True):
        pieces.append(entry[1])
        said = text[entry.end() : following.start() if following else len(text)]
        end = _DESCRIPTION_END.search(said)
        note_ignored(ignored, said[: end.start() if end else len(said)].strip(" ;"), NOT_A_NAME)
        if end and said[end.end() :].strip():
            pieces.append(said[end.end() :])
    return ", ".join(pieces)


def _may_have_drug_headings(text: str) -> bool:
    """A cheap necessary condition for _ACTIVE_HEADER / _INACTIVE_HEADER to match."""
    mask = LABEL_HINTS.get()
    if mask is not None and not mask & _DRUG_BIT:
        return False  # no drug heading's word anywhere in the label
    lowered = lowered_label(text)
    return any(hint in lowered for hint in DRUG_HINTS)


def _drop_header(text: str, ignored: list[Ignored]) -> str:
    # `text` is the whole label here: its hint bits say whether it holds a drug heading's or a
    # header's word, which the pre-checks would search its lower-cased text for again.
    mask = LABEL_HINTS.get()
    may_be_drug = _may_have_drug_headings(text) if mask is None else mask & _DRUG_BIT
    drug_headers = (
        [(m.start(), m.end()) for h in (_ACTIVE_HEADER, _INACTIVE_HEADER) for m in h.finditer(text)]
        if may_be_drug
        else []
    )
    no_header_word = cannot_match(_HEADER, text) if mask is None else not mask & _HEADER_BIT
    # "Inactive ingredients:" contains "ingredients:": that is a drug-facts heading, not this one.
    if not drug_headers and no_header_word:
        return text
    # "Key ingredients: Retinol. Ingredients: Aqua, ...": a teaser list is skipped; any later
    # header ("Other ingredients:") becomes a separator, so nothing after the first is lost.
    # A first header after a drug heading is not taken: the search for it stops at the first
    # drug heading. (No header spans a drug heading's start: no header word begins as a drug
    # heading's word does.) The search for a full header after a key one stops at the first.
    first = _HEADER.search(text, 0, min(drug_headers)[0] if drug_headers else len(text))
    if first is None:
        return text
    header = first
    if _KEY_HEADER.match(first[0]):
        for match in _HEADER.finditer(text, first.end()):
            if any(s <= match.start() < e for s, e in drug_headers):
                continue
            if not _KEY_HEADER.match(match[0]):
                header = match
                break
    note_ignored(ignored, text[: header.start()], BEFORE_LIST)
    note_ignored(ignored, header[0], HEADING)
    return text[header.end() :]


def _cut_tail(text: str, ignored: list[Ignored]) -> str:
    if cannot_match(_TAIL, text):
        return text
    for match in _TAIL.finditer(text):
        before = text[: match.start()]
        # A tail section only ends a list that has begun: "Uses" as the first word is not a cut.
        if _THREE_ASCII_LETTERS.search(before) and not _inside_brackets(before):
            inactive = _INACTIVE_HEADER.search(text, match.end())
            if inactive:  # drug facts put "Directions/Warnings" before "Inactive ingredients"
                note_ignored(ignored, text[match.start() : inactive.start()], SECTION)
                return _cut_tail(before + "\n" + text[inactive.start() :], ignored)
            note_ignored(ignored, text[match.start() :], SECTION)
            return before
    return text


def _inside_brackets(text: str) -> bool:
    return sum(text.count(c) for c in _OPEN) > sum(text.count(c) for c in _CLOSE)


def _drug_headings(text: str) -> list[tuple[bool, re.Match[str]]]:
    """Every active and inactive heading (is it active?, match) in order of place."""
    found = [(True, m) for m in _ACTIVE_HEADER.finditer(text)]
    found += [(False, m) for m in _INACTIVE_HEADER.finditer(text)]
    return sorted(found, key=lambda heading: heading[1].start())


def _parse_drug_facts(
    text: str, headings: list[tuple[bool, re.Match[str]]], ignored: list[Ignored]
) -> list[RawItem]:
    """Each heading opens a part that runs to the next heading, in any order and number
    ("Principio activo: X. Excipientes: a, b", "Inactive ingredients: a. Active ingredient: X")."""
    first_is_active, first = headings[0]
    lead = text[: first.start()]
    items: list[RawItem] = []
    if first_is_active:
        note_ignored(ignored, lead, BEFORE_LIST)
    elif _THREE_LETTERS.search(lead):
        # "Tretinoin 0.05%. Inactive ingredients: ...": what precedes the inactive list is the
        # active part even without its heading.
        items = _parse_actives(lead, ignored)
    else:
        note_ignored(ignored, lead, PUNCTUATION)
    for index, (is_active, heading) in enumerate(headings):
        end = headings[index + 1][1].start() if index + 1 < len(headings) else len(text)
        note_ignored(ignored, heading[0], HEADING)
        part = text[heading.end() : end]
        if is_active:
            actives = _parse_actives(part, ignored)
            for item in actives:  # numbered from 0: after an inactive part, they follow it
                item.position += len(items)
            items += actives
        else:
            items += split_items(part, ignored, start=len(items))
    return items


def _parse_actives(text: str, ignored: list[Ignored]) -> list[RawItem]:
    """'Avobenzone 3% Sunscreen Homosalate 10% Sunscreen' -> named actives with their %.

    The strength may follow the name or precede it ("0.1% Adapalene"); a purpose printed beside
    a name is reported as ignored text.
    """
    text = _DOT_LEADERS.sub(" ", text)
    matches = list(_ACTIVE_STRENGTH.finditer(text))
    if not matches:
        return _as_actives(split_items(text, ignored, start=0))
    strength_first = not _strip_purposes(text[: matches[0].start()], [])
    items: list[RawItem] = []
    for index, match in enumerate(matches):
        if strength_first:
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            name_text = text[match.end() : end]
        else:
            name_text = text[matches[index - 1].end() if index else 0 : match.start()]
        percent = float(match[1].replace(",", "."))
        found = split_items(_strip_purposes(name_text, ignored), ignored, start=len(items))
        if found:  # the strength belongs to the name next to it
            near = -1 if not strength_first else 0
            found[near] = replace(
                found[near],
                raw=_with_strength(found[near].raw, match[0], strength_first),
                percent=percent,
            )
        items += found
    if not strength_first:
        rest = _strip_purposes(text[matches[-1].end() :], ignored)
        if items and _DOSAGE_FORM_ONLY.fullmatch(form := rest.rstrip(".,;: ")):
            # "Tretinoin 0.05% cream": the dosage form closes the active's line (no ingredient
            # of its own: "cream" read alone is CosIng's dairy CREAM)
            items[-1] = replace(items[-1], raw=f"{items[-1].raw} {form}")
        else:
            items += split_items(rest, ignored, start=len(items))
    else:
        note_ignored(ignored, text[: matches[0].start()], PUNCTUATION)
    return _as_actives(items)


_DOSAGE_FORM_ONLY = re.compile(
    r"(?i)(?:topical\s+)?(?:cream|gel|lotion|ointment|solution|foam|emulsion|suspension|cr[eè]me"
    r"|crema|pledgets?|swabs?|wash)"
)


def _with_strength(raw: str, strength: str, strength_first: bool) -> str:
    strength = " ".join(strength.split())
    return f"{strength} {raw}" if strength_first else f"{raw} {strength}"


def _as_actives(items: list[RawItem]) -> list[RawItem]:
    return [replace(item, active=True) for item in items]


def _strip_purposes(text: str, ignored: list[Ignored]) -> str:
    """Remove purpose words ("Acne treatment", "Sunscreen") wherever they open a segment."""
    pieces = []
    for segment in _AFTER_SENTENCE_MARK.split(text):
        stripped = False
        while (purpose := _PURPOSES.match(segment)) is not None and purpose.end() > 0:
            note_ignored(ignored, purpose[0], PURPOSE)
            segment = segment[purpose.end() :]
            stripped = True
        if stripped and (uses := _USES_AFTER_PURPOSE.match(segment)) is not None:
            note_ignored(ignored, uses[0], SECTION)
            segment = ""
        pieces.append(segment)
    return _EDGE.sub("", " ".join("".join(pieces).split()))
