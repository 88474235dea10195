"""Footnotes printed in or after a list ("*Organic", "** from organic farming"): told apart from
names by their marks, and reported as ignored text."""

from __future__ import annotations

import re
from dataclasses import replace

from needlecare.ingredients.entry import Entry
from needlecare.ingredients.items import clean_item
from needlecare.ingredients.label_patterns import FirstUsePattern
from needlecare.ingredients.parsed import FOOTNOTE, ParsedLabel
from needlecare.ingredients.recogniser import recognise

FOOTNOTE_OPENING = FirstUsePattern(
    r"(?i)^[*†‡°^#]+\s*[=:-]?\s*(?:\w+\s+){0,3}?(?:natural(?:ly)?|organic|certified|origin|derived"
    r"|biologique|bio\b|from|fair\s*trade|ingredients?\b)"
)
# The first character of every FOOTNOTE_OPENING match (a cheap pre-check).
FOOTNOTE_FIRST_CHARS = "*†‡°^#"
# A footnote mark: "*", "**", "+", "†" before or after a name ("Aloe Leaf Juice*").
_MARK = re.compile(r"^[*†‡°^+#]+|[*†‡°^+#]+$")


def footnotes_at_end(parsed: ParsedLabel, entries: list[Entry]) -> list[Entry]:
    """'..., Ferment Filtrate*, Glycerin. *Hadasei-3.': unknown pieces at the end of a list that
    start with a mark some earlier ingredient carries define that mark (a trademark, a source):
    they are footnotes, whatever their words. Only the trailing run of such pieces."""
    entries = _footnote_glued_to_last_name(parsed, entries)
    entries = _slid_footnotes(parsed, entries)
    cut = len(entries)
    while cut > 0 and not entries[cut - 1].names and _footnote_mark(entries[cut - 1].item.raw):
        cut -= 1
    if cut == len(entries):
        return entries
    marks = {m[0] for e in entries[:cut] for m in [_MARK.search(e.item.raw)] if m}
    kept = entries[:cut]
    for entry in entries[cut:]:
        mark = _footnote_mark(entry.item.raw)
        if mark is not None and mark in marks:
            parsed.ignore(entry.item.raw, FOOTNOTE)
        else:
            kept.append(entry)
    return kept


# "..., Mica*, Essential Oil**, Organic Sucrose (Brown Sugar).": a scraped footnote whose mark
# slid to its end ("*Essential Oil **Organic Sucrose"); read as one only when its words are a
# footnote's words (a name with a mark after it is an ingredient: "Aloe Leaf Juice*").
_END_MARK = re.compile(r"[*†‡°^+#]+$")
_FOOTNOTE_WORDS = re.compile(r"(?i)^(?:essential\s+oils?|\w+(?:\s+\w+){0,2}\s+(?:origin|farming))$")


def _slid_footnotes(parsed: ParsedLabel, entries: list[Entry]) -> list[Entry]:
    """Unknown pieces anywhere that are only a footnote's words with a mark after them, the
    mark carried by another piece ("Sucrose**, ..., Mica*, Essential Oil**, Organic Sucrose")."""
    slid = [
        i
        for i, e in enumerate(entries)
        if not e.names and not _MARK.match(e.item.raw) and _footnote_mark(e.item.raw)
    ]
    if not slid:
        return entries
    marks = [m[0] if m else None for e in entries for m in [_MARK.search(e.item.raw)]]
    drop = {i for i in slid if marks.count(marks[i]) > 1}
    for i in sorted(drop):
        parsed.ignore(entries[i].item.raw, FOOTNOTE)
    return [e for i, e in enumerate(entries) if i not in drop]


def _footnote_mark(raw: str) -> str | None:
    """The mark of a piece that may be a footnote: a mark before it, or a mark after words that
    can only be a footnote."""
    start = _MARK.match(raw)
    if start is not None:
        return start[0]
    end = _END_MARK.search(raw)
    if end is None:
        return None
    words = raw[: end.start()].strip(" .")
    if _FOOTNOTE_WORDS.match(words) or FOOTNOTE_OPENING.match(f"*{words}"):
        return end[0]
    return None


# "..., Phenoxyethanol.* Hadasei-3.", "Methylisothiazolinone.*Essential Oil": the last name and
# a footnote with no space or comma between them.
_GLUED_FOOTNOTE = FirstUsePattern(r"^(.*?[^\s.*†‡°^#])\s*\.?\s*([*†‡°^#]+\s*[^\s*†‡°^#].*)$")


def _footnote_glued_to_last_name(parsed: ParsedLabel, entries: list[Entry]) -> list[Entry]:
    """The last piece, unknown, is a known name then a footnote whose mark an earlier name
    carries: the name is kept, the footnote ignored as one."""
    if not entries or entries[-1].names or entries[-1].from_ignored:
        return entries
    glued = _GLUED_FOOTNOTE.match(entries[-1].item.raw)
    if glued is None:
        return entries
    mark = _MARK.match(glued[2])
    marks = {m[0] for e in entries[:-1] for m in [_MARK.search(e.item.raw)] if m}
    text, percent, nano = clean_item(glued[1])
    recognition = recognise(text, fuzzy=False)
    if mark is None or mark[0] not in marks or not recognition.recognized:
        return entries
    parsed.ignore(glued[2], FOOTNOTE)
    item = replace(entries[-1].item, raw=glued[1], text=text, percent=percent, nano=nano)
    return [*entries[:-1], Entry(item, recognition, recognition.names)]
