"""check_label: the one entry point of the ingredient checker (the `--json` contract)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from needlecare.ingredients.active_items import (
    actives_left_out,
    actives_with_their_strengths,
    names_an_active,
    only_claims,
    with_a_strength_read_as_class,
)
from needlecare.ingredients.entry import Entry
from needlecare.ingredients.errors import NotAnIngredientList
from needlecare.ingredients.flags import (
    comedogenic_rating,
    comedogenic_threshold,
    flags_of,
    major_bounds,
)
from needlecare.ingredients.footnotes import (
    FOOTNOTE_FIRST_CHARS,
    FOOTNOTE_OPENING,
    footnotes_at_end,
)
from needlecare.ingredients.glued import (
    SPACED_DASH,
    comma_glued,
    dash_synonyms,
    glued_names,
    rejoin_split_names,
    split_soft_breaks,
)
from needlecare.ingredients.items import clean_item
from needlecare.ingredients.parsed import (
    FOOTNOTE,
    LABEL_PREFIX,
    NOT_A_NAME,
    Ignored,
    ParsedLabel,
    RawItem,
)
from needlecare.ingredients.parser import parse_label
from needlecare.ingredients.prose import is_prose, name_before_prose, without_name
from needlecare.ingredients.recogniser import recognise
from needlecare.ingredients.recognition import Recognition
from needlecare.ingredients.text import name_key
from needlecare.ingredients.verdict import Finding, decide
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window

MAX_CHARS = 20_000  # the longest real labels are a few thousand characters
MAX_DAY = 3650
MIN_KNOWN_SHARE = 0.2  # below this the text is mostly not ingredient names
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
_WORD = re.compile(r"[^\W_]+")
# Words that only join names ("Water (and) Glycerin") and short list numbers ("1. Aqua").
_LETTERS_OR_DIGITS = re.compile(r"[^\W\d_]+|\d+")
_JOINING_WORDS = frozenset({"and", "et", "und", "y", "e"})
UNREAD = "text between names that no rule read (kept so that nothing is lost)"


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
    append = ingredients.append
    for index, entry in enumerate(entries):
        # An active found outside the list has no place in it: judged as a major ingredient,
        # as strictly as if it were printed alone.
        percent = entry.item.percent
        major = (percent is not None and percent >= min_percent) or (
            (0 if entry.from_ignored else index) < cutoff
        )
        append(_ingredient(entry, major, rinse_off, findings))
        if not entry.names:
            unknown.append(entry.item.raw)
    verdict = decide(findings, unknown, day, band_value, windows)
    ignored = [{"text": i.text, "reason": i.reason} for i in _in_reading_order(parsed)]
    return {"ingredients": ingredients, "ignored": ignored, "verdict": verdict}


def _in_reading_order(parsed: ParsedLabel) -> list[Ignored]:
    """The ignored texts in the order the label prints them: the parser finds a label's tail
    (warnings, directions) before its headings, and a reader checks the table against the label
    from the top. An ignored text's spaces are collapsed, so it is found in the collapsed label;
    one that is not found keeps its place after those that are (the sort is stable)."""
    if len(parsed.ignored) < 2:
        return parsed.ignored
    flat = " ".join(parsed.text.split())
    missing = len(flat)

    def printed_at(entry: Ignored) -> int:
        at = flat.find(entry.text)
        return missing if at < 0 else at

    return sorted(parsed.ignored, key=printed_at)


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
    if not text or text.isspace():  # (as `not text.strip()`, without a copy)
        raise NotAnIngredientList("empty input: paste the ingredient list from the label")
    if len(text) > MAX_CHARS:
        raise NotAnIngredientList(
            f"{len(text):,} characters is too long for one ingredient list (limit {MAX_CHARS:,})"
        )
    sample = text[:4096]
    printable = sample.isprintable()
    if not (printable and sample.isascii()):  # else no odd character at all
        # (every odd character but the replacement character is a control one: unprintable)
        odd = sample.count("\ufffd") if printable else len(_ODD_CHARACTER.findall(sample))
        if "\x00" in sample or odd > max(2, len(sample) // 50):
            raise NotAnIngredientList("this looks like binary data, not an ingredient list")
    if _URL.match(text):
        raise NotAnIngredientList(
            "this is a web address, not an ingredient list: paste the list printed on the label"
        )
    return text


def _entries(text: str) -> tuple[list[Entry], ParsedLabel]:
    parsed = parse_label(text)
    entries: list[Entry] = []
    prose = 0
    every_named = True  # every entry so far read as a name as printed
    # A soft break is only ever put at a line end of the label.
    items = split_soft_breaks(parsed.items) if "\n" in parsed.text else parsed.items
    for item in items:
        # "*Natural fragrance", "** from organic farming" (every footnote opens with a mark)
        if item.raw[:1] in FOOTNOTE_FIRST_CHARS and FOOTNOTE_OPENING.match(item.raw):
            parsed.ignore(item.raw, FOOTNOTE)
            continue
        recognition = recognise(item.text, False)  # (fuzzy=False; positional: a cheaper key)
        if recognition.names:  # the common case: a name as printed (the rest reads the others)
            if item.percent is not None:  # "BHA 2%" is the acid class
                recognition = with_a_strength_read_as_class(item, recognition)
            if recognition.confidence < 0.9:
                every_named = False  # a guess ("Butyrospermum Parkii, Butter": one name cut)
            entries.append(Entry(item, recognition, recognition.names))
            if recognition.extra:
                entries += _extras(item, recognition)
            continue
        every_named = False  # (only the common case above keeps every entry named)
        if is_prose(item.text):
            glued = glued_names(item)  # "Squalane Rosa Canina Fruit Oil ...": no commas
            if glued:
                entries += glued
                continue
            # "Alcohol Denat. Helps reduce redness": keep the name that starts the sentence.
            sentence = item.raw
            item, recognition = name_before_prose(item)
            if not recognition.recognized:
                prose += 1
                parsed.ignore(sentence, NOT_A_NAME)
                continue
            parsed.ignore(without_name(sentence, item.raw), NOT_A_NAME)
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
        if not recognition.names and SPACED_DASH.search(item.text):
            recognition = dash_synonyms(item.text)
        if not recognition.names:
            recognition = recognise(item.text)  # now allowing a typo match
        if not recognition.names:
            glued = glued_names(item) or comma_glued(item)
            entries += glued or [Entry(item, recognition, ())]
            continue
        entries.append(Entry(item, recognition, recognition.names))
        entries += _extras(item, recognition)
    if not every_named:  # (with every entry named, neither changes anything)
        entries = rejoin_split_names(entries)
        entries = footnotes_at_end(parsed, entries)
        entries = actives_with_their_strengths(entries)
    _account_for_every_word(parsed, entries)
    rescued = actives_left_out(parsed, entries)
    listed = len(entries)
    entries += rescued
    # A label that names an active always gets a verdict; an acid class named in prose alone
    # ("with AHAs for a glow") is a claim that does not make a text a list, but named with its
    # strength ("AHA 30% + BHA 2% Peeling Solution") it is what the product holds.
    if rescued and not only_claims(rescued):
        return entries, parsed
    known = listed if every_named else sum(1 for e in entries[:listed] if e.names)
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
    # A leaflet in another language ("Trétinoïne ... Excipients : acide stéarique, ...") has
    # few names this checker knows, but one of them an active: it is judged, never refused.
    if known < MIN_KNOWN_SHARE * (listed + prose) and not names_an_active(entries[:listed]):
        raise NotAnIngredientList(
            "mostly not ingredient names: this does not look like an ingredient list"
        )
    return entries, parsed


def _extras(item: RawItem, recognition: Recognition) -> list[Entry]:
    """Further ingredients named inside the item's brackets ("Parfum (Limonene, Linalool)"),
    each its own ingredient: the printed % is not its own."""
    return [
        Entry(
            replace(item, percent=None),
            Recognition(extra, recognition.match, recognition.confidence),
            extra,
        )
        for extra in recognition.extra
    ]


def _account_for_every_word(parsed: ParsedLabel, entries: list[Entry]) -> None:
    """Every word of the label is in an ingredient or an ignored text; a word no rule placed
    is reported rather than lost (and is searched for actives like any ignored text)."""
    # The words of each placed text, cached per text (names recur from list to list); no word
    # spans two texts, so their union is the words of all of them.
    placed = [*map(_words_of, [e.item.raw for e in entries])]
    placed += map(_words_of, [i.text for i in parsed.ignored])
    if parsed.text.isascii():  # (casefold is lower: the lower-case tokens made for the hints)
        left = _label_words(parsed.tokens or parsed.text.lower().split())
    else:
        left = _label_words(parsed.text.split())
    left.difference_update(_JOINING_WORDS, *placed)
    if not left or all(word.isdigit() and len(word) <= 2 for word in left):
        return
    seen: set[str] = set().union(*placed)
    missing: list[str] = []
    for word in _WORD.findall(parsed.text):
        folded = word.casefold()
        if folded in seen or folded in _JOINING_WORDS or (folded.isdigit() and len(folded) <= 2):
            continue
        # "Peroxide4%", "TRETINOIN0.05%": a strength glued to a name, read apart by the parser
        # ("Benzoyl Peroxide 4%"); placed when each letter and digit run of it is.
        parts = _LETTERS_OR_DIGITS.findall(folded)
        if len(parts) > 1 and all(p in seen or (p.isdigit() and len(p) <= 2) for p in parts):
            continue
        seen.add(folded)
        missing.append(word)
    if missing:
        parsed.ignore(" ".join(missing), UNREAD)


# Token -> its words, case-folded (a plain dict, emptied past its bound): no word spans white
# space (no white-space character is a word character), so a label's words are its tokens'
# words, and tokens (names) recur from list to list.
_TOKEN_WORDS: dict[str, frozenset[str]] = {}
_TOKEN_WORDS_MAX = 65536


def _label_words(tokens: list[str]) -> set[str]:
    """set(map(str.casefold, _WORD.findall(text))) of a label, from its tokens (text.split(),
    or text.lower().split() of an ASCII text, where casefold is lower)."""
    try:
        words = list(map(_TOKEN_WORDS.__getitem__, tokens))
    except KeyError:  # tokens not seen before
        if len(_TOKEN_WORDS) > _TOKEN_WORDS_MAX:
            _TOKEN_WORDS.clear()
        for token in tokens:
            if token not in _TOKEN_WORDS:
                _TOKEN_WORDS[token] = frozenset(map(str.casefold, _WORD.findall(token)))
        words = list(map(_TOKEN_WORDS.__getitem__, tokens))
    return set().union(*words)


@lru_cache(maxsize=16384)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


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
    entry: Entry, major: bool, rinse_off: bool, findings: list[Finding]
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
