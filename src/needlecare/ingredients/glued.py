"""Names whose separators were lost or misplaced: a comma inside one name ("Pentaerythrityl,
Tetraethylhexanoate"), commas or line ends missing between names ("Water Glycerin"), names of
one plant joined by a dash. Each reading needs the pieces to be names known as printed."""

from __future__ import annotations

import re
from dataclasses import replace

from needlecare.ingredients import data
from needlecare.ingredients.entry import Entry
from needlecare.ingredients.items import clean_item
from needlecare.ingredients.parsed import SOFT_BREAK, RawItem
from needlecare.ingredients.recogniser import recognise
from needlecare.ingredients.recognition import UNKNOWN, Recognition, lookup
from needlecare.ingredients.text import loose_key, name_key

_COMMON_NAME = re.compile(r"\s*\([^()]*\)\s*")
_MAX_GLUED_WORDS = 16
SPACED_DASH = re.compile(r"\s[-–]\s")


def _inverted_title(first: Entry, second: Entry) -> Entry | None:
    """A pharmacopoeial title printed noun first, its qualifier after a comma ("Water,
    Purified", "Petrolatum, White", "Oil, Mineral", "Alcohol, Dehydrated": USP-NF and BP
    indexes print them so, and so do drug-facts panels): one name, when the qualifier alone
    is unknown and, put first, it makes a known name or label alias word for word."""
    qualifier = second.item.text
    if second.names or not qualifier.isalpha():  # (one word: no space, digit or sign)
        return None
    text = f"{qualifier} {first.item.text}"
    key = name_key(text)  # word for word: "Stearic Acid, Iso" is no ISOSTEARIC ACID
    if key not in data.aliases() and key not in data.inventory().names:
        return None
    recognition = recognise(text, fuzzy=False)
    if len(recognition.names) != 1:
        return None
    item = replace(first.item, raw=f"{first.item.raw}, {second.item.raw}", text=text)
    return Entry(item, recognition, recognition.names)


def _joined_as_printed(first: Entry, second: Entry) -> Entry | None:
    """The two pieces together, when they are exactly one known name (a common name in
    brackets aside: "Simmondsia Chinensis, (Jojoba) Seed Oil")."""
    text = f"{first.item.text} {second.item.text}"
    recognition = recognise(text, fuzzy=False)
    literal = [loose_key(text), loose_key(_COMMON_NAME.sub(" ", text))]
    if len(recognition.names) != 1 or loose_key(recognition.names[0]) not in literal:
        return None
    item = replace(
        first.item,
        raw=f"{first.item.raw}, {second.item.raw}",
        text=text,
        percent=first.item.percent or second.item.percent,
    )
    return Entry(item, recognition, recognition.names)


def rejoin_split_names(entries: list[Entry]) -> list[Entry]:
    """'Pentaerythrityl, Tetraethylhexanoate': one name printed with a comma inside. Two
    neighbours are joined when one of them is unknown (or a guess) and together they spell one
    known name."""
    if all(_sure(entry) for entry in entries):
        return entries
    joined: list[Entry] = []
    index = 0
    while index < len(entries):
        three = _three_joined(entries[index : index + 3])
        if three is not None:
            joined.append(three)
            index += 3
            continue
        first = entries[index]
        second = entries[index + 1] if index + 1 < len(entries) else None
        if (
            second is not None
            and not (_sure(first) and _sure(second))
            and first.item is not second.item  # not a name found inside the first's bracket
            and not first.recognition.extra
        ):
            together = _joined_as_printed(first, second)
            if together is not None:
                joined.append(together)
                index += 2
                continue
            # "Water, Purified" (USP-NF titles), unless the qualifier starts the next name
            # ("Carbomer, Sodium, Hydroxide" is CARBOMER and SODIUM HYDROXIDE).
            third = entries[index + 2] if index + 2 < len(entries) else None
            inverted = _inverted_title(first, second)
            if inverted is not None and (
                third is None or _joined_as_printed(second, third) is None
            ):
                joined.append(inverted)
                index += 2
                continue
            # "Laureth-7,1,2 Hexanediol" cut by the parser at its second comma: two unknown
            # pieces that part at another comma into two known names (LAURETH-7, 1,2-HEXANEDIOL).
            glued = None
            if not (first.names or second.names) and first.item.raw.count(
                ","
            ) == first.item.text.count(","):
                rejoined = replace(
                    first.item,
                    raw=f"{first.item.raw},{second.item.raw}",
                    text=f"{first.item.text},{second.item.text}",
                    percent=first.item.percent or second.item.percent,
                )
                # ... or at a space: "Carbomer 1,2-Hexanediol" (CARBOMER, 1,2-HEXANEDIOL).
                spaced = glued_names(rejoined) or []
                if not all(e.recognition.confidence == 1.0 for e in spaced):
                    spaced = []  # only names read as printed (no synonym in brackets)
                glued = comma_glued(rejoined) or spaced
            if glued:
                joined += glued
                index += 2
                continue
        joined.append(first)
        index += 1
    return joined


def _three_joined(entries: list[Entry]) -> Entry | None:
    """'PEG, PPG-20, 15 Dimethicone': a slash name whose slashes a list printed as commas
    (PEG/PPG-20/15 DIMETHICONE). Three neighbours, the outer two unknown (or a guess), are
    joined only when together they spell exactly one known name, letter for letter."""
    if len(entries) < 3 or _sure(entries[0]) or _sure(entries[2]):
        return None
    items = [entry.item for entry in entries]
    if len({id(item) for item in items}) < 3 or any(e.recognition.extra for e in entries):
        return None
    text = " ".join(item.text for item in items)
    # (a look-up of the key, not every reading: only a name spelt letter for letter will do)
    found = lookup(name_key(text))
    if found is None or len(found[0]) != 1 or loose_key(found[0][0]) != loose_key(text):
        return None
    recognition = Recognition(found[0], found[1], 1.0)
    item = replace(
        items[0],
        raw=", ".join(item.raw for item in items),
        text=text,
        percent=next((item.percent for item in items if item.percent is not None), None),
    )
    return Entry(item, recognition, recognition.names)


def _sure(entry: Entry) -> bool:
    """Read as printed, not a guess: a bare binomial read as its extract (confidence 0.85) or a
    typo match may be a half of a name cut at a comma ("Butyrospermum Parkii, Butter")."""
    recognition = entry.recognition
    return bool(entry.names) and recognition.confidence >= 0.9 and recognition.match != "fuzzy"


def split_soft_breaks(items: list[RawItem]) -> list[RawItem]:
    """A line end inside an item is a wrap, unless the whole is unknown and every line is known."""
    found: list[RawItem] = []
    for item in items:
        if SOFT_BREAK not in item.text:  # the common case: nothing to decide
            found.append(item)
            continue
        parts = [" ".join(p.split()) for p in item.text.split(SOFT_BREAK)]
        whole = replace(item, text=" ".join(" ".join(parts).split()))
        if len(parts) > 1 and not recognise(whole.text, fuzzy=False).recognized:
            cleaned = [(p, *clean_item(p)) for p in parts if p.strip()]
            if len(cleaned) > 1 and all(
                c[1] and recognise(c[1], fuzzy=False).recognized for c in cleaned
            ):
                found += [
                    replace(item, raw=raw, text=text, percent=percent, nano=nano)
                    for raw, text, percent, nano in cleaned
                ]
                continue
        found.append(whole)
    return found


def dash_synonyms(text: str) -> Recognition:
    """'Epilobium Angustifolium Extract - Epilobium Angustifolium Flower/Leaf/Stem Extract',
    'Melaleuca Alternifolia Leaf Oil - Tea Tree Leaf Oil': names of one plant joined by a spaced
    dash. Only when every part is a known name of the same plant (never two ingredients)."""
    readings = [recognise(part, fuzzy=False) for part in SPACED_DASH.split(text)]
    names = list(dict.fromkeys(n for r in readings for n in r.names))
    plants = {" ".join(n.split()[:2]) for n in names}
    if not all(r.recognized and not r.extra for r in readings) or len(plants) != 1:
        return UNKNOWN
    return Recognition(tuple(names), readings[0].match, 0.98)


def glued_names(item: RawItem) -> list[Entry] | None:
    """'Water Glycerin', 'Diisostearyl Malate Beeswax': names whose commas were lost. Read as
    several only when exactly one way splits all the words into names known as printed."""
    words, printed = item.text.split(), item.raw.split()
    if not 2 <= len(words) <= _MAX_GLUED_WORDS or len(printed) != len(words):
        return None
    # ways[i]: the splits of words[i:] into known names (at most two are kept: one is enough to
    # tell that the reading is not unique).
    ways: list[list[list[tuple[int, Recognition]]]] = [[] for _ in words] + [[[]]]
    for start in range(len(words) - 1, -1, -1):
        for end in range(len(words), start, -1):
            if not ways[end] or (start == 0 and end == len(words)):
                continue
            part = " ".join(words[start:end])
            reading = recognise(part, fuzzy=False)
            # A part with a slash must be one name as printed ("Caprylic/Capric Triglyceride"),
            # never a slash name cut in two ("Dimethylacrylamide/Acrylic"); a common name in
            # brackets is no part of it ("Citrus Aurantium Amara (Bitter Orange) Leaf/Twig
            # Extract" is CITRUS AURANTIUM AMARA LEAF/TWIG EXTRACT as printed).
            literal = "/" not in part or [loose_key(_COMMON_NAME.sub(" ", part))] == [
                loose_key(n) for n in reading.names
            ]
            if reading.recognized and reading.confidence >= 0.9 and not reading.extra and literal:
                ways[start] += [[(end, reading), *rest] for rest in ways[end]][:2]
            if len(ways[start]) > 1:
                break
    if len(ways[0]) != 1:
        return None
    entries, begin = [], 0
    for end, reading in ways[0][0]:
        piece = replace(
            item,
            raw=" ".join(printed[begin:end]),
            text=" ".join(words[begin:end]),
            percent=item.percent if begin == 0 else None,
        )
        entries.append(Entry(piece, reading, reading.names))
        begin = end
    return entries


def comma_glued(item: RawItem) -> list[Entry] | None:
    """'Peg-8,3-O-Ethyl Ascorbic Acid', 'Laureth-7,1,2 Hexanediol': two names joined by a comma
    without a space, which the parser keeps because it may be a locant ('1,2-'). Read as two only
    when exactly one of the commas parts the text into two names known as printed."""
    text, raw = item.text, item.raw
    if "," not in text or text.count(",") != raw.count(","):
        return None
    found: list[tuple[int, Recognition, Recognition]] = []
    for at in (i for i, c in enumerate(text) if c == ","):
        left, right = (recognise(part, fuzzy=False) for part in (text[:at], text[at + 1 :]))
        if all(r.recognized and r.confidence >= 0.9 and not r.extra for r in (left, right)):
            found.append((at, left, right))
    if len(found) != 1:
        return None
    at, left, right = found[0]
    cut = [i for i, c in enumerate(raw) if c == ","][text[:at].count(",")]
    pieces = (
        (raw[:cut], text[:at], left, item.percent),
        (raw[cut + 1 :], text[at + 1 :], right, None),
    )
    return [
        Entry(replace(item, raw=r.strip(), text=t.strip(), percent=p), reading, reading.names)
        for r, t, reading, p in pieces
    ]
