"""Find the active ingredients named anywhere in a piece of text that is not read as a list.

Which names are actives is data: every name that a rule of an `active = true` flag in
data/flags.toml gives that flag (names, annex lists, patterns over the CosIng inventory), with
the label aliases and drug synonyms that lead to them. The checker scans every ignored text and
every ingredient it cannot fully account for, so an active is never dropped with the words
around it ("Tretinoin 0.025% in a cream base of ...").

In that text (never in a name read from the list) two more readings are made: a misspelt active
("Tretinion 0.05% cream", "Salycilic Acid"), when the words are not themselves a known name and
no other active is as near; and an abbreviation ("BPO", "HQ": shorter than any name, and "BHA",
the antioxidant's INCI name, as the acid class) only beside a strength ("HQ 5%", "5% BPO",
"2% BHA"), where it cannot be the initials of ordinary words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from needlecare.ingredients import data
from needlecare.ingredients.flags import active_flag_names, position_free_actives
from needlecare.ingredients.text import loose_key

# A strength glued to a name ("Tretinoin0.025%", "Acid2%") is cut from it, so the name's words
# stay whole; a digit inside a word ("Sa1icylic", an OCR slip) stays in it.
_TOKEN = re.compile(r"[^\W\d_]+(?:\d+[^\W\d_]+)*|\d+")
MIN_KEY_LENGTH = 4  # shorter keys ("BP", "AHA") are initials that ordinary words contain
TYPO_MIN_LENGTH = 8  # a shorter word one letter off an active is too often a word ("retinas")
TWO_TYPOS_MIN_LENGTH = 12  # two letters off only in a long name ("Salycilic Acid")
TYPO_MAX_TOKENS = 3
# A strength printed beside an abbreviation: "HQ 5%", "BPO 2.5 %", "5% BPO", "TCA 15 mg/g".
_STRENGTH_AFTER = re.compile(r"\s*\(?(\d+(?:[.,]\d+)?)\s*(%|mg\b)")
_STRENGTH_BEFORE = re.compile(r"(\d+(?:[.,]\d+)?)\s*%\s*$")


def percent_beside(text: str, start: int, end: int) -> float | None:
    """The percent strength printed right after or right before text[start:end] ("AHA 30%",
    "2% BHA"), if any."""
    after = _STRENGTH_AFTER.match(text, end)
    if after is not None and after[2] == "%":
        return float(after[1].replace(",", "."))
    before = _STRENGTH_BEFORE.search(text, 0, start)
    return None if before is None else float(before[1].replace(",", "."))


@dataclass(frozen=True)
class ActiveHit:
    printed: str  # the words as printed
    names: tuple[str, ...]  # canonical names
    start: int
    end: int
    match: str = "alias"  # "fuzzy" for a misspelling
    confidence: float = 1.0


@dataclass(frozen=True)
class _Index:
    by_key: dict[str, tuple[str, ...]]
    max_tokens: int
    short: dict[str, tuple[str, ...]]  # abbreviations: read only beside a strength
    typo_keys: dict[str, tuple[str, ...]]  # first letter -> the keys a typo may be read as


@cache
def _index() -> _Index:
    actives = active_flag_names()
    by_key: dict[str, tuple[str, ...]] = {}
    for name in actives:
        by_key[loose_key(name)] = (name,)
    exact_only = data.exact_only_aliases()
    # A typo is read only as an active flagged wherever it stands: a misspelt name rescued
    # from the text is judged as a major ingredient, and citric or lactic acid low in a list
    # is a pH adjuster ("Cit٣ric Acid" at the end of a list is no AHA).
    anywhere = position_free_actives()
    typo_keys = {k for k, v in by_key.items() if len(k) >= TYPO_MIN_LENGTH and v[0] in anywhere}
    for label_name, targets in data.aliases().items():
        wanted = tuple(t for t in targets if t in actives)
        if wanted:
            key = loose_key(label_name)
            by_key.setdefault(key, wanted)
            if (
                label_name not in exact_only
                and len(key) >= TYPO_MIN_LENGTH
                and anywhere.issuperset(wanted)
            ):
                typo_keys.add(key)
    short = {k: v for k, v in by_key.items() if len(k) < MIN_KEY_LENGTH and k.isalpha()}
    short.update((loose_key(n), v) for n, v in data.strength_aliases().items())  # "2% BHA"
    by_key = {k: v for k, v in by_key.items() if len(k) >= MIN_KEY_LENGTH}
    longest = max(len(_TOKEN.findall(name)) for name in (*actives, *data.aliases()))
    by_first: dict[str, list[str]] = {}
    for key in sorted(typo_keys):
        by_first.setdefault(key[0], []).append(key)
    return _Index(by_key, longest, short, {k: tuple(v) for k, v in by_first.items()})


@lru_cache(maxsize=4096)
def find_actives(text: str, typos: bool = False) -> tuple[ActiveHit, ...]:
    """Every active named in `text`, longest reading first, left to right (no overlaps);
    with `typos`, misspelt actives and abbreviations beside a strength too.

    Cached: the same headings and sections ("Ingredients:", "Inactive ingredients") recur."""
    index = _index()
    tokens = list(_TOKEN.finditer(text))
    keys = [loose_key(token[0]) for token in tokens]
    hits: list[ActiveHit] = []
    position = 0
    while position < len(tokens):
        for size in range(min(index.max_tokens, len(tokens) - position), 0, -1):
            start, end = tokens[position].start(), tokens[position + size - 1].end()
            names = index.by_key.get("".join(keys[position : position + size]))
            if names is not None:
                hits.append(ActiveHit(text[start:end], names, start, end))
                position += size
                break
        else:
            hit = _misread(text, tokens, keys, position, index) if typos else None
            if hit is not None:
                hits.append(hit)
                position += len(_TOKEN.findall(hit.printed))
            else:
                position += 1
    return tuple(hits)


def _misread(
    text: str, tokens: list[re.Match[str]], keys: list[str], position: int, index: _Index
) -> ActiveHit | None:
    """An abbreviation beside a strength, or a misspelt active, starting at this token."""
    token = tokens[position]
    names = index.short.get(keys[position])
    if (
        names is not None
        and token[0].isupper()
        and (
            _STRENGTH_AFTER.match(text, token.end())
            or _STRENGTH_BEFORE.search(text, 0, token.start())
        )
    ):
        return ActiveHit(token[0], names, token.start(), token.end())
    for size in range(min(TYPO_MAX_TOKENS, len(tokens) - position), 0, -1):
        key = "".join(keys[position : position + size])
        if (
            len(key) < TYPO_MIN_LENGTH
            or not key[0].isalpha()
            or keys[position + size - 1].isdigit()
        ):
            continue  # (nor a window ending in a strength: "Hydroquione 2" of "2%")
        typo = _typo_of(key)
        if typo is None or _names_an_active(keys, position, position + size, index):
            continue  # ("in a Tretinoin" is no misspelt isotretinoin: the exact name is read)
        start, end = token.start(), tokens[position + size - 1].end()
        names, edits = typo
        known = _known_names(text[start:end])
        if known == names:  # "Tret1noin": an OCR slip the recogniser reads
            return ActiveHit(text[start:end], names, start, end)
        if known:
            return None  # "Sorbic Acid" is a name of its own, not a misspelt "Ascorbic Acid"
        codes = _letter_codes().get(names)
        if codes and not _letter_codes_of(text[start:end]) <= codes:
            return None  # "Vitamin C Palmitat" is no misspelt VITAMIN A PALMITATE
        confidence = round(1 - edits / len(key), 3)
        return ActiveHit(text[start:end], names, start, end, "fuzzy", confidence)
    return None


def _names_an_active(keys: list[str], start: int, end: int, index: _Index) -> bool:
    """Whether some of the words keys[start:end] name an active exactly: they are read as that
    active further on, never as a typo of another."""
    return any(
        "".join(keys[i:j]) in index.by_key for i in range(start, end) for j in range(i + 1, end + 1)
    )


@lru_cache(maxsize=4096)
def _typo_of(key: str) -> tuple[tuple[str, ...], int] | None:
    """The one active `key` is a typo of: one edit (or an adjacent swap) away, two in a long
    name; same first letter; no other active as near."""
    index = _index()
    limit = 2 if len(key) >= TWO_TYPOS_MIN_LENGTH else 1
    near = sorted(
        (edits, choice)
        for choice in index.typo_keys.get(key[0], ())
        if abs(len(choice) - len(key)) <= limit
        and 0 < (edits := _osa_distance(key, choice, limit)) <= limit
    )
    if not near:
        return None
    edits, choice = near[0]
    if edits == 2 and min(len(choice), len(key)) < TWO_TYPOS_MIN_LENGTH:
        return None
    names = index.by_key[choice]
    if any(e <= edits and index.by_key[c] != names for e, c in near[1:]):
        return None  # as near to two actives: neither
    return names, edits


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b; limit + 1 once
    over the limit. Plain Python on the few keys of one first letter: importing rapidfuzz
    would cost a one-shot check more than all of this."""
    previous: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, row = previous, row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
    return row[-1]


_LETTER_CODE = re.compile(r"(?<!\w)[^\W\d_]{1,2}(?!\w)")  # (not "Sa" of an OCR'd "Sa1icylic")


def _letter_codes_of(printed: str) -> frozenset[str]:
    """The words of one or two letters ('A' of 'Vitamin A', 'NP' of 'Ceramide NP'): a letter
    there names another vitamin or ceramide, so a typo reading never changes it."""
    return frozenset(w.upper() for w in _LETTER_CODE.findall(printed))


@cache
def _letter_codes() -> dict[tuple[str, ...], frozenset[str]]:
    """An active's names -> the words of one or two letters of the names labels print for it
    (only actives with such names: a letter split off a misspelt word, "Glucoolaton e", is no
    other name's letter)."""
    found: dict[tuple[str, ...], set[str]] = {}
    actives = active_flag_names()
    for label_name, targets in data.aliases().items():
        wanted = tuple(t for t in targets if t in actives)
        if wanted:
            found.setdefault(wanted, set()).update(_letter_codes_of(label_name))
    for name in actives:
        found.setdefault((name,), set()).update(_letter_codes_of(name))
    return {names: frozenset(codes) for names, codes in found.items() if codes}


def _known_names(printed: str) -> tuple[str, ...]:
    """The names an exact reading of the words gives (none when they are not a known name)."""
    from needlecare.ingredients.recogniser import recognise  # (recogniser imports the flags)

    return recognise(printed, fuzzy=False).names
