"""Actives in what the checker did not read as a name: an unknown item that is only actives
and strengths ("0.5 mg of tretinoin"), and actives named in ignored text or unknown items
(issue 16 section 1: a name never vanishes, and an active is always judged)."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

from needlecare.ingredients import data
from needlecare.ingredients.actives import ActiveHit, find_actives, percent_beside
from needlecare.ingredients.entry import Entry
from needlecare.ingredients.flags import active_flag_names
from needlecare.ingredients.items import clean_item
from needlecare.ingredients.label_patterns import FirstUsePattern
from needlecare.ingredients.parsed import ParsedLabel, RawItem
from needlecare.ingredients.recogniser import recognise
from needlecare.ingredients.recognition import Recognition
from needlecare.ingredients.text import loose_key, name_key

# What may stand beside an active in a pharmacy item besides the name: amounts, units, "of",
# "and", the dosage form ("0.5 mg of tretinoin", "Adapalene gel 0.1%", "150 mg d'acide azélaïque",
# "adapalene 1 mg (0.1%) and benzoyl peroxide 25 mg (2.5%)").
_STRENGTH_WORDS = FirstUsePattern(
    r"(?i)(?:[\d.,/%()\s]|\b(?:mg|mcg|µg|micrograms?|g|gm|grams?|ml|w/[wv]|v/v|p/p|of|de|di|and|"
    r"und|et|y|e|usp|bp|nf|topical|gel|cream|cr[eè]me|crema|lotion|ointment|solution|foam"
    r"|emulsion|suspension|microspheres?)\b|\bd['’])*"
)


def actives_with_their_strengths(entries: list[Entry]) -> list[Entry]:
    """An unknown item that is only actives and their strengths is read as those actives at
    its place in the list: "Tretinion 0.05%", "0.5 mg of tretinoin" (not an unknown name
    and, apart from it, the active found in it)."""
    if all(entry.names for entry in entries):
        return entries
    read: list[Entry] = []
    for entry in entries:
        raw = entry.item.raw
        hits = () if entry.names else find_actives(raw, typos=True)
        if not hits or not _STRENGTH_WORDS.fullmatch(
            "".join(raw[end:start] for end, start in _gaps(hits, len(raw)))
        ):
            read.append(entry)
            continue
        # Each active with the strength printed next to it: the text between two actives is
        # cut at its joining word ("1 mg (0.1%) and 25 mg"), else before the second.
        cuts = [0, *(_cut(raw, a.end, b.start) for a, b in pairwise(hits)), len(raw)]
        for hit, start, end in zip(hits, cuts, cuts[1:], strict=False):
            piece = _JOINING_EDGE.sub("", raw[start:end])
            percent = clean_item(piece)[1]
            item = replace(entry.item, raw=piece, text=hit.printed, percent=percent)
            read.append(Entry(item, _recognition_of(hit), hit.names))
    return read


_JOIN = r"(?:and|und|et|y|e)"
_JOINING = re.compile(rf"(?i)[,;]|\b{_JOIN}\b")
_JOINING_EDGE = FirstUsePattern(rf"(?i)^(?:[\s,;]|{_JOIN}\b)+|(?:[\s,;]|\b{_JOIN})+$")


def _cut(raw: str, start: int, end: int) -> int:
    joining = _JOINING.search(raw, start, end)
    return joining.start() if joining else end


def _gaps(hits: tuple[ActiveHit, ...], length: int) -> list[tuple[int, int]]:
    """The spans of the text between (and around) the hits."""
    ends = [0, *(hit.end for hit in hits)]
    starts = [*(hit.start for hit in hits), length]
    return list(zip(ends, starts, strict=True))


def with_a_strength_read_as_class(item: RawItem, recognition: Recognition) -> Recognition:
    """'BHA 2%' in a list is the exfoliant class, not the antioxidant BHA (data:
    `beside_a_strength`); an item without a strength keeps its reading."""
    if item.percent is None:
        return recognition
    names = data.strength_aliases().get(name_key(item.text))
    return recognition if names is None else Recognition(names, "alias", 1.0)


def only_claims(rescued: list[Entry]) -> bool:
    """Actives found outside the list that are only classes named without a strength ("with
    AHAs for a glow"): a claim, which alone does not make a text an ingredient list."""
    classes = data.class_names()
    return all(e.item.percent is None and classes.issuperset(e.names) for e in rescued)


def names_an_active(entries: list[Entry]) -> bool:
    actives = active_flag_names() - data.class_names()  # (a class alone is a claim)
    return any(not actives.isdisjoint(entry.names) for entry in entries)


def actives_left_out(parsed: ParsedLabel, entries: list[Entry]) -> list[Entry]:
    """Actives named in ignored text, inside an unknown item, or in a bracket the recognised
    name does not cover ("Parfum (Tretinoin)"): each becomes an ingredient of its own."""
    # Typos and abbreviations are read in ignored text and unknown items only, never in a
    # name already read from the list.
    texts = [i.text for i in parsed.ignored]
    for entry in entries:
        if not entry.names:
            texts.append(entry.item.raw)
        elif ("(" in entry.item.raw or "[" in entry.item.raw) and (
            hits := find_actives(entry.item.raw)
        ):
            covered = [loose_key(name) for name in entry.names]
            texts += [
                hit.printed
                for hit in hits
                if not any(loose_key(n) in key for n in hit.names for key in covered)
            ]
    if not texts:
        return []
    present = {name for entry in entries for name in entry.names}
    rescued: list[Entry] = []
    for text in texts:
        for hit in find_actives(text, typos=True):
            if present.issuperset(hit.names):
                continue
            present.update(hit.names)
            percent = percent_beside(text, hit.start, hit.end)  # "AHA 30% + BHA 2% Peel"
            item = RawItem(hit.printed, hit.printed, len(entries) + len(rescued), percent)
            rescued.append(Entry(item, _recognition_of(hit), hit.names, from_ignored=True))
    return rescued


def _recognition_of(hit: ActiveHit) -> Recognition:
    """The recogniser's reading of the printed words when it names the same active (its match
    and confidence), else the hit's own (a typo or an abbreviation beside a strength)."""
    recognition = recognise(hit.printed, fuzzy=False)
    if recognition.names != hit.names:
        return Recognition(hit.names, hit.match, hit.confidence)
    return recognition
