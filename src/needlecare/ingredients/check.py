"""check_label: the one entry point of the ingredient checker (the `--json` contract)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from needlecare.ingredients.actives import find_actives
from needlecare.ingredients.errors import NotAnIngredientList
from needlecare.ingredients.flags import (
    comedogenic_rating,
    comedogenic_threshold,
    flags_of,
    major_bounds,
)
from needlecare.ingredients.parser import (
    FOOTNOTE,
    LABEL_PREFIX,
    NOT_A_NAME,
    SOFT_BREAK,
    ParsedLabel,
    RawItem,
    clean_item,
    parse_label,
)
from needlecare.ingredients.recogniser import UNKNOWN, Recognition, recognise
from needlecare.ingredients.text import loose_key, name_key
from needlecare.ingredients.verdict import Finding, decide
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window

MAX_CHARS = 20_000  # the longest real labels are a few thousand characters
MAX_DAY = 3650
MIN_KNOWN_SHARE = 0.2  # below this the text is mostly not ingredient names
_FOOTNOTE = re.compile(
    r"(?i)^[*†‡°^#]+\s*[=:-]?\s*(?:\w+\s+){0,3}?(?:natural(?:ly)?|organic|certified|origin|derived"
    r"|biologique|bio\b|from|fair\s*trade|ingredients?\b)"
)
_FOOTNOTE_MARKS = "*†‡°^#"  # the first character of every _FOOTNOTE match (a cheap pre-check)
_COMMON_NAME = re.compile(r"\s*\([^()]*\)\s*")
# A footnote mark: "*", "**", "+", "†" before or after a name ("Aloe Leaf Juice*").
_MARK = re.compile(r"^[*†‡°^+#]+|[*†‡°^+#]+$")
# Kana, CJK and Hangul, tested by code point (a regex of these ranges costs ~2 ms to compile,
# at every start of the one-shot CLI, for a test that is rarely needed).
_ASIAN_RANGES = ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF))


def _has_asian_script(text: str) -> bool:
    return not text.isascii() and any(
        low <= ord(c) <= high for c in text for low, high in _ASIAN_RANGES
    )


# Replacement characters and control characters other than tab and line ends: binary data.
_ODD_CHARACTER = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")
_URL = re.compile(r"(?i)^\s*(?:https?://|www\.)\S+\s*$")
# Words that never occur in a CosIng name but fill sentences, claims and directions.
_PROSE_TEXT = (
    "THE IS ARE WAS BE YOU YOUR YOURS OUR WE US THIS THAT THESE THOSE WITH FOR NOT FREE "
    "TESTED TO IN ON IT ITS BY AN MADE USE USED USING APPLY MAY CONTAIN CONTAINS ORGANIC "
    "CERTIFIED ORIGIN INGREDIENT INGREDIENTS ALL ONLY EXTERNAL AVOID EYES DERMATOLOGICALLY "
    "DERMATOLOGIST HYPOALLERGENIC VEGAN CRUELTY NET WT ML OZ DIRECTIONS WARNINGS STORE KEEP "
    "CHILDREN REACH WWW HTTP HTTPS COM PLEASE IF AT BUT SO WILL CAN HAVE HAS HAD WHICH WHO "
    "WHAT WHEN WHERE HOW ABOUT FRANCE KOREA USA ITALY GERMANY CLINICALLY PROVEN SUITABLE "
    "SENSITIVE RECOMMENDED GENTLE DAILY SKINCARE ROUTINE LOVE BEST NON-COMEDOGENIC "
    "COMEDOGENIC PARABENS SULFATES SULPHATES SILICONES PHTHALATES PRODUCT CODE LOT BATCH "
    "FORMULA HELPS HELP REDUCE REDUCES WRINKLES HYDRATION RESULTS WEEKS DAYS NIGHT MORNING "
    "FACE EXPIRY EXP PAO SHAKE WELL CLEAN AFTER BEFORE DISCONTINUE IRRITATION OCCURS RASH "
    "CONSULT DOCTOR PHYSICIAN PATCH TEST VISIT CALL SEE BOTTOM PACKAGING BOTTLE TUBE JAR "
    "GUARANTEED FORMULATED DESIGNED DEVELOPED LEAVES FEELING SMOOTH SOFT RADIANT GLOW GLOWING "
    "LOOK LOOKING VISIBLY INSTANTLY NOURISHES HYDRATES MOISTURISES MOISTURIZES SOOTHES "
    "PROTECTS REPAIRS RESTORES BARRIER MORE LESS VERY ALSO EVERY THAN OUT OFF UP DOWN OVER "
    "UNDER INTO ONTO"
)
_PROSE_WORDS = frozenset(_PROSE_TEXT.split())
_WORD = re.compile(r"[^\W_]+")
# Words that only join names ("Water (and) Glycerin") and short list numbers ("1. Aqua").
_JOINING_WORDS = frozenset({"and", "et", "und", "y", "e"})
_MAX_GLUED_WORDS = 16
_UPPER_WORD = re.compile(r"[A-Z]+")
_SPACED_DASH = re.compile(r"\s[-–]\s")
UNREAD = "text between names that no rule read (kept so that nothing is lost)"


@dataclass(slots=True)  # not frozen: a frozen dataclass is ~5x slower to create
class _Entry:
    item: RawItem
    recognition: Recognition
    names: tuple[str, ...]  # canonical names of this entry (empty when unknown)
    from_ignored: bool = False  # an active found in text that was not read as an ingredient


def check_label(
    text: str | bytes,
    day: int = 0,
    band: Band | str | None = None,
    rinse_off: bool = False,
    windows: Mapping[str, Window] | None = None,
) -> dict[str, Any]:
    """Parse, recognise, flag and judge one ingredient list for day `day` after treatment.

    Raises NotAnIngredientList for input that is not an ingredient list, ValueError for a bad
    day or band.
    `windows`: the waiting windows in force (a clinic protocol's); default windows.toml.
    """
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= MAX_DAY:
        raise ValueError(f"day must be a whole number from 0 to {MAX_DAY}, not {day!r}")
    band_value = Band(band.upper()) if isinstance(band, str) else band
    entries, parsed = _entries(_validated_text(text))
    min_percent, cutoff = major_bounds(len(entries))  # is_major's rule, once per list
    ingredients: list[dict[str, Any]] = []
    findings: list[Finding] = []
    unknown: list[str] = []
    for index, entry in enumerate(entries):
        # An active found outside the list has no place in it: judged as a major ingredient,
        # as strictly as if it were printed alone.
        percent = entry.item.percent
        major = (percent is not None and percent >= min_percent) or (
            (0 if entry.from_ignored else index) < cutoff
        )
        ingredients.append(_ingredient(entry, major, rinse_off, findings))
        if not entry.names:
            unknown.append(entry.item.raw)
    verdict = decide(findings, unknown, day, band_value, windows)
    ignored = [{"text": i.text, "reason": i.reason} for i in parsed.ignored]
    return {"ingredients": ingredients, "ignored": ignored, "verdict": verdict}


def _validated_text(text: str | bytes) -> str:
    if isinstance(text, bytes):
        if b"\x00" in text[:4096]:
            raise NotAnIngredientList("this looks like binary data, not an ingredient list")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise NotAnIngredientList("this is not UTF-8 text, so not an ingredient list") from None
    if not isinstance(text, str):
        raise NotAnIngredientList("expected the text of an ingredient list")
    if not text.strip():
        raise NotAnIngredientList("empty input: paste the ingredient list from the label")
    if len(text) > MAX_CHARS:
        raise NotAnIngredientList(
            f"{len(text):,} characters is too long for one ingredient list (limit {MAX_CHARS:,})"
        )
    sample = text[:4096]
    if not (sample.isascii() and sample.isprintable()):  # else no odd character at all
        odd = len(_ODD_CHARACTER.findall(sample))
        if "\x00" in sample or odd > max(2, len(sample) // 50):
            raise NotAnIngredientList("this looks like binary data, not an ingredient list")
    if _URL.match(text):
        raise NotAnIngredientList(
            "this is a web address, not an ingredient list: paste the list printed on the label"
        )
    return text


def _entries(text: str) -> tuple[list[_Entry], ParsedLabel]:
    parsed = parse_label(text)
    entries: list[_Entry] = []
    prose = 0
    # A soft break is only ever put at a line end of the label.
    items = _split_soft_breaks(parsed.items) if "\n" in parsed.text else parsed.items
    for item in items:
        # "*Natural fragrance", "** from organic farming" (every footnote opens with a mark)
        if item.raw[:1] in _FOOTNOTE_MARKS and _FOOTNOTE.match(item.raw):
            parsed.ignore(item.raw, FOOTNOTE)
            continue
        recognition = recognise(item.text, False)  # (fuzzy=False; positional: a cheaper key)
        if recognition.names:  # the common case: a name as printed (the rest reads the others)
            entries.append(_Entry(item, recognition, recognition.names))
            if recognition.extra:
                entries += _extras(item, recognition)
            continue
        if _is_prose(item.text):
            glued = _glued_names(item)  # "Squalane Rosa Canina Fruit Oil ...": no commas
            if glued:
                entries += glued
                continue
            # "Alcohol Denat. Helps reduce redness": keep the name that starts the sentence.
            sentence = item.raw
            item, recognition = _name_before_prose(item)
            if not recognition.recognized:
                prose += 1
                parsed.ignore(sentence, NOT_A_NAME)
                continue
            parsed.ignore(_without(sentence, item.raw), NOT_A_NAME)
        elif ":" in item.text:
            # "STEP 01 Super Booster: Cetyl Ethylhexanoate": the name is after the colon.
            prefix, _, name = item.raw.rpartition(":")
            named = recognise(clean_item(name)[0], fuzzy=False)
            if named.recognized:
                parsed.ignore(prefix + ":", LABEL_PREFIX)
                item, recognition = replace(item, raw=name.strip(), text=clean_item(name)[0]), named
            else:
                # "-Zinc Oxide 12%: Provides broad spectrum protection": a name, then what it
                # does (retailers' key-ingredient lists).
                name, _, said = item.raw.partition(":")
                text, percent, nano = clean_item(name)
                named = recognise(text, fuzzy=False)
                if named.recognized and said.strip():
                    parsed.ignore(said, NOT_A_NAME)
                    item = replace(item, raw=name.strip(), text=text, percent=percent, nano=nano)
                    recognition = named
        if not recognition.names and _SPACED_DASH.search(item.text):
            recognition = _dash_synonyms(item.text)
        if not recognition.names:
            recognition = recognise(item.text)  # now allowing a typo match
        if not recognition.names:
            glued = _glued_names(item) or _comma_glued(item)
            entries += glued or [_Entry(item, recognition, ())]
            continue
        entries.append(_Entry(item, recognition, recognition.names))
        entries += _extras(item, recognition)
    entries = _rejoin_split_names(entries)
    entries = _footnotes_at_end(parsed, entries)
    _account_for_every_word(parsed, entries)
    rescued = _actives_left_out(parsed, entries)
    entries += rescued
    known = sum(1 for e in entries if e.names)
    if rescued:  # a label that names an active always gets a verdict
        return entries, parsed
    if known == 0 and _has_asian_script(text):
        raise NotAnIngredientList(
            "no known ingredient names found: names printed only in "
            "Korean, Japanese or Chinese script are not supported; use the "
            "INCI (English) list on the pack"
        )
    if known == 0:
        raise NotAnIngredientList(
            "no known ingredient names found: this does not look like an ingredient list"
        )
    if known < MIN_KNOWN_SHARE * (len(entries) + prose):
        raise NotAnIngredientList(
            "mostly not ingredient names: this does not look like an ingredient list"
        )
    return entries, parsed


def _extras(item: RawItem, recognition: Recognition) -> list[_Entry]:
    """Further ingredients named inside the item's brackets ("Parfum (Limonene, Linalool)"),
    each its own ingredient: the printed % is not its own."""
    return [
        _Entry(
            replace(item, percent=None),
            Recognition(extra, recognition.match, recognition.confidence),
            extra,
        )
        for extra in recognition.extra
    ]


def _rejoin_split_names(entries: list[_Entry]) -> list[_Entry]:
    """'Pentaerythrityl, Tetraethylhexanoate': one name printed with a comma inside. Two
    neighbours are joined when one of them is unknown and together they spell one known name."""
    if all(entry.names for entry in entries):
        return entries
    joined: list[_Entry] = []
    index = 0
    while index < len(entries):
        first = entries[index]
        second = entries[index + 1] if index + 1 < len(entries) else None
        if (
            second is not None
            and not (first.names and second.names)
            and first.item is not second.item  # not a name found inside the first's bracket
            and not first.recognition.extra
        ):
            text = f"{first.item.text} {second.item.text}"
            recognition = recognise(text, fuzzy=False)
            # Only a literal reading: the two pieces together are exactly one known name (a
            # common name in brackets aside: "Simmondsia Chinensis, (Jojoba) Seed Oil").
            literal = [loose_key(text), loose_key(_COMMON_NAME.sub(" ", text))]
            if len(recognition.names) == 1 and loose_key(recognition.names[0]) in literal:
                item = replace(
                    first.item,
                    raw=f"{first.item.raw}, {second.item.raw}",
                    text=text,
                    percent=first.item.percent or second.item.percent,
                )
                joined.append(_Entry(item, recognition, recognition.names))
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
                spaced = _glued_names(rejoined) or []
                if not all(e.recognition.confidence == 1.0 for e in spaced):
                    spaced = []  # only names read as printed (no synonym in brackets)
                glued = _comma_glued(rejoined) or spaced
            if glued:
                joined += glued
                index += 2
                continue
        joined.append(first)
        index += 1
    return joined


def _footnotes_at_end(parsed: ParsedLabel, entries: list[_Entry]) -> list[_Entry]:
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


def _slid_footnotes(parsed: ParsedLabel, entries: list[_Entry]) -> list[_Entry]:
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
    if _FOOTNOTE_WORDS.match(words) or _FOOTNOTE.match(f"*{words}"):
        return end[0]
    return None


# "..., Phenoxyethanol.* Hadasei-3.", "Methylisothiazolinone.*Essential Oil": the last name and
# a footnote with no space or comma between them.
_GLUED_FOOTNOTE = re.compile(r"^(.*?[^\s.*†‡°^#])\s*\.?\s*([*†‡°^#]+\s*[^\s*†‡°^#].*)$")


def _footnote_glued_to_last_name(parsed: ParsedLabel, entries: list[_Entry]) -> list[_Entry]:
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
    return [*entries[:-1], _Entry(item, recognition, recognition.names)]


def _without(sentence: str, name: str) -> str:
    """The sentence minus the name kept from it (the rest is reported as ignored)."""
    at = sentence.lower().find(name.lower())
    return sentence if at < 0 else sentence[:at] + " " + sentence[at + len(name) :]


def _account_for_every_word(parsed: ParsedLabel, entries: list[_Entry]) -> None:
    """Every word of the label is in an ingredient or an ignored text; a word no rule placed
    is reported rather than lost (and is searched for actives like any ignored text)."""
    # The words of each placed text, cached per text (names recur from list to list); no word
    # spans two texts, so their union is the words of all of them.
    placed = [*map(_words_of, [e.item.raw for e in entries])]
    placed += map(_words_of, [i.text for i in parsed.ignored])
    if parsed.text.isascii():  # the common case: every word placed, seen as one set operation
        left = set(_WORD.findall(parsed.text.lower()))
    else:
        left = set(map(str.casefold, _WORD.findall(parsed.text)))
    left.difference_update(_JOINING_WORDS, *placed)
    if not left or all(word.isdigit() and len(word) <= 2 for word in left):
        return
    seen: set[str] = set().union(*placed)
    missing: list[str] = []
    for word in _WORD.findall(parsed.text):
        folded = word.casefold()
        if folded in seen or folded in _JOINING_WORDS or (folded.isdigit() and len(folded) <= 2):
            continue
        seen.add(folded)
        missing.append(word)
    if missing:
        parsed.ignore(" ".join(missing), UNREAD)


@lru_cache(maxsize=16384)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


def _actives_left_out(parsed: ParsedLabel, entries: list[_Entry]) -> list[_Entry]:
    """Actives named in ignored text, inside an unknown item, or in a bracket the recognised
    name does not cover ("Parfum (Tretinoin)"): each becomes an ingredient of its own."""
    present = {name for entry in entries for name in entry.names}
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
    rescued: list[_Entry] = []
    for text in texts:
        for hit in find_actives(text):
            if present.issuperset(hit.names):
                continue
            present.update(hit.names)
            item = RawItem(hit.printed, hit.printed, len(entries) + len(rescued))
            recognition = recognise(hit.printed, fuzzy=False)
            if recognition.names != hit.names:
                recognition = Recognition(hit.names, "alias", 1.0)
            rescued.append(_Entry(item, recognition, hit.names, from_ignored=True))
    return rescued


def _split_soft_breaks(items: list[RawItem]) -> list[RawItem]:
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


def _dash_synonyms(text: str) -> Recognition:
    """'Epilobium Angustifolium Extract - Epilobium Angustifolium Flower/Leaf/Stem Extract',
    'Melaleuca Alternifolia Leaf Oil - Tea Tree Leaf Oil': names of one plant joined by a spaced
    dash. Only when every part is a known name of the same plant (never two ingredients)."""
    readings = [recognise(part, fuzzy=False) for part in _SPACED_DASH.split(text)]
    names = list(dict.fromkeys(n for r in readings for n in r.names))
    plants = {" ".join(n.split()[:2]) for n in names}
    if not all(r.recognized and not r.extra for r in readings) or len(plants) != 1:
        return UNKNOWN
    return Recognition(tuple(names), readings[0].match, 0.98)


def _glued_names(item: RawItem) -> list[_Entry] | None:
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
            # never a slash name cut in two ("Dimethylacrylamide/Acrylic").
            literal = "/" not in part or [loose_key(part)] == [loose_key(n) for n in reading.names]
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
        entries.append(_Entry(piece, reading, reading.names))
        begin = end
    return entries


def _comma_glued(item: RawItem) -> list[_Entry] | None:
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
        _Entry(replace(item, raw=r.strip(), text=t.strip(), percent=p), reading, reading.names)
        for r, t, reading, p in pieces
    ]


def _name_before_prose(item: RawItem) -> tuple[RawItem, Recognition]:
    """The longest known name at the start ("Alcohol Denat. Helps ...") or, failing that, at the
    end ("Contains 10% Niacinamide") of a piece of prose."""
    words = item.text.split()
    longest = min(len(words) - 1, 8)
    for cut in range(longest, 0, -1):
        for part in (" ".join(words[:cut]), " ".join(words[-cut:])):
            if _is_prose(part):
                continue
            recognition = recognise(part, fuzzy=False)
            if recognition.recognized:
                return replace(item, raw=part, text=part), recognition
    return item, UNKNOWN


def _is_prose(text: str) -> bool:
    words = _UPPER_WORD.findall(name_key(text))
    hits = sum(1 for w in words if w in _PROSE_WORDS)
    return (hits >= 1 and (len(words) >= 2 or hits == len(words))) or len(words) > 12


@dataclass(frozen=True)
class _Judged:
    flags: tuple[str, ...]
    comedogenic: int | None
    finding: Finding  # what the verdict needs (shared: the verdict only reads it)


@lru_cache(maxsize=16384)
def _judged(names: tuple[str, ...], major: bool, rinse_off: bool, fuzzy: bool) -> _Judged:
    """Flags, strength notes and comedogenic rating of recognised names at a major or minor
    place: cached, as the same names come back in list after list."""
    flags: list[str] = []
    strength: dict[str, str] = {}
    ratings: list[int] = []
    for name in names:
        for hit in flags_of(name, major):
            if hit.flag not in flags:
                flags.append(hit.flag)
            if hit.strength:
                strength.setdefault(hit.flag, hit.strength)
        rating = None if rinse_off else comedogenic_rating(name)
        if rating is not None:
            ratings.append(rating.value)
    comedogenic = max(ratings) if ratings else None
    if comedogenic is not None and comedogenic >= comedogenic_threshold():
        flags.append("comedogenic")
    found = tuple(flags)
    return _Judged(found, comedogenic, Finding("/".join(names), found, strength, fuzzy=fuzzy))


def _ingredient(
    entry: _Entry, major: bool, rinse_off: bool, findings: list[Finding]
) -> dict[str, Any]:
    recognition = entry.recognition
    names = entry.names
    if names:
        judged = _judged(names, major, rinse_off, recognition.match == "fuzzy")
        findings.append(judged.finding)
        flags, comedogenic = list(judged.flags), judged.comedogenic
        # recognition.name is "/".join(recognition.names): the finding's name when they are
        # the same names (always, but for a reading made elsewhere)
        same = recognition.names is names or recognition.names == names
        name = judged.finding.name if same else (recognition.name or judged.finding.name)
    else:
        flags, comedogenic = [], None
        name = recognition.name or name_key(entry.item.text)
    item = entry.item
    return {
        "raw": item.raw,
        "name": name,
        "recognized": bool(names),
        "flags": flags,
        "comedogenic": comedogenic,
        "match": recognition.match,
        "confidence": recognition.confidence if names else 0.0,
        "percent": item.percent,
        "may_contain": item.may_contain,
        "from_ignored": entry.from_ignored,
    }
