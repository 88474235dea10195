"""Typo matches: a misspelt name read as the one known name it is close to (rapidfuzz ratio),
with a clear lead over any other; and a misspelt binomial read again with the CosIng one."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import compress

from needlecare.ingredients import data, fuzzy_tables, plants
from needlecare.ingredients.flags import active_flag_names
from needlecare.ingredients.readings import BRACKET_CONTENT, BRACKETS, candidates
from needlecare.ingredients.recognition import Recognition, lookup, lookup_exact_or_alias
from needlecare.ingredients.text import loose_key, name_key

FUZZY_MIN_SCORE = 90.0
FUZZY_MIN_LEAD = 3.0
FUZZY_MIN_LENGTH = 6
FUZZY_MAX_LENGTH = 120  # longer text is not one misspelt name
TWO_EDITS_MIN_LENGTH = 10  # two letters of a shorter name are too much of it
_DIGITS = re.compile(r"\d+")
# fuzz.ratio is 200 * LCS / (len(a) + len(b)); these bounds on the LCS skip work that cannot
# reach a score without changing any result (the margin absorbs rounding).
_MARGIN = 1.0


def fuzzy_match(key: str) -> Recognition | None:
    if not FUZZY_MIN_LENGTH <= len(key) <= FUZZY_MAX_LENGTH:
        return None
    # Characters that no name contains are never in the LCS: junk and foreign text stop here.
    foreign = sum(1 for c in key if not _known_character(c))
    if 200 * (len(key) - foreign) / (2 * len(key) - foreign) < FUZZY_MIN_SCORE - _MARGIN:
        return None
    from rapidfuzz import fuzz, process  # heavy-ish: imported only when needed

    best = process.extract(
        key,
        _choices_near(len(key)),
        scorer=fuzz.ratio,
        limit=3,
        score_cutoff=FUZZY_MIN_SCORE - FUZZY_MIN_LEAD,
    )
    if not best or best[0][1] < FUZZY_MIN_SCORE:
        return one_typo_from(key) or _two_edits_from(key)
    choice, score = best[0][0], best[0][1]
    rival = next((c for c, _, _ in best[1:] if _same_target(c) != _same_target(choice)), None)
    runner_up = next((s for c, s, _ in best[1:] if c == rival), 0.0)
    if score - runner_up < FUZZY_MIN_LEAD and not _one_typo_from(key, choice, rival):
        return one_typo_from(key)
    if _DIGITS.findall(choice) != _DIGITS.findall(key):
        return one_typo_from(key)
    if len(key.split()) != len(choice.split()):  # typos only: never add or drop a word
        return one_typo_from(key)  # (which reads words apart from their spaces and hyphens)
    if changes_a_short_word(key, choice):
        return None
    names = (choice,) if choice in data.drug_names() else lookup_exact_or_alias(choice)[0]
    return Recognition(names, "fuzzy", round(score / 100, 3))


# Flags that never change a verdict to avoid (bench/ingredients_recognition.py's NEUTRAL).
_NEUTRAL = frozenset({"occlusive", "comedogenic"})
_CROWD = 6  # names of the printed digits within two typos: more is a crowd
_FOUND = 40
_MIN_LETTERS = 5  # "1,2 Hexannediol": digits are no letters of a typo's name


def one_typo_from(key: str) -> Recognition | None:
    """'Thyoml', 'Valnie', 'Lauerth-2', 'PEG 100 Stearrate': one letter wrong, missing, doubled
    or two swapped (a transposition counts as one typo here; the ratio above counts it as two,
    so shorter names fell under its score), spaces and hyphens aside. Read only as the one
    known name one typo away, with the printed first letter and digits, no printed word that
    names use but this one lacks, no caution flag on it nor on any name two typos away: never
    a flagged reading."""
    squeezed = loose_key(key)
    if len(squeezed) < FUZZY_MIN_LENGTH or sum(c.isalpha() for c in squeezed) < _MIN_LETTERS:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    choices = fuzzy_tables.choices()
    spellings, indices = fuzzy_tables.squeezed_near(len(squeezed))
    found = process.extract(squeezed, spellings, scorer=OSA.distance, limit=_FOUND, score_cutoff=2)
    # Only names with the printed digits can be read (LAURETH-3 is no typo of "Lauerth-2").
    digits = _DIGITS.findall(key)
    near = [(choices[indices[i]], d) for _, d, i in found]
    near = [(c, d) for c, d in near if _DIGITS.findall(c) == digits]
    ones = {_same_target(c) for c, d in near if d <= 1}
    if len(ones) != 1 or len(near) >= _CROWD or len(found) == _FOUND:
        return None
    choice = next(c for c, d in near if d <= 1)
    if choice[0] != squeezed[0]:
        return None
    # A word that names use is no typo: "Butyl Alcohol" is not BATYL ALCOHOL misspelt.
    # (a word inside one of the name's: "Ethylene Diamine" is ETHYLENEDIAMINE spaced)
    spelt = _NOT_LETTER_OR_DIGIT.sub("", choice)
    if any(w not in spelt and _known_word(w) for w in _WORD_BREAK.split(key)):
        return None
    # "Rosmarinus Officinalis Leaf E": a name cut after one letter of its last word is not
    # LEAF with a letter too many (a cut word is dropped by no typo).
    last = _WORD_BREAK.split(key.strip())[-1]
    if len(last) == 1 and not spelt.endswith(squeezed[-2:]):
        return None
    if any(n in active_flag_names() for n in _same_target(choice)) or changes_a_short_word(
        key, choice
    ):
        return None
    if any(plants.caution_flags(n) - _NEUTRAL for c, _ in near for n in _same_target(c)):
        return None
    names = (choice,) if choice in data.drug_names() else lookup_exact_or_alias(choice)[0]
    return Recognition(names, "fuzzy", round(1 - 1 / len(squeezed), 3))


_WORD_BREAK = re.compile(r"[\s/,-]+")


def changes_a_short_word(key: str, choice: str) -> bool:
    """'Vitamin C Palmitate' is not VITAMIN A PALMITATE (a retinoid) misspelt, nor 'Ceramide
    NG' CERAMIDE NP: a word of one or two letters with another letter is another name, not a
    typo (a letter added or dropped is: 'Pvp/Hexadecene Copolymer', 'C10-C30')."""
    printed, known = _WORD_BREAK.split(key.strip()), _WORD_BREAK.split(choice.strip())
    if len(printed) != len(known):
        return False
    return any(a != b and len(a) == len(b) <= 2 for a, b in zip(printed, known, strict=True))


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def _known_word(word: str) -> bool:
    """Is this a whole word of some known name (between spaces, hyphens, slashes, commas)?"""
    # (a search of the names' text: a set of every word cost more than a one-shot's check)
    text = fuzzy_tables.all_names()
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or text[at - 1] in _BREAKS) and (end == len(text) or text[end] in _BREAKS):
            return True
        at = text.find(word, at + 1)
    return False


_BREAKS = frozenset(" \n/,-")


def _two_edits_from(key: str) -> Recognition | None:
    """'Citrannellol', 'Calcium Clubonate': a longer name two letters from one known name (a
    score under 90), read as it only when every other known name is further away and
    carries no caution flag the choice lacks; the same digits and words, as for any typo."""
    if len(key) < TWO_EDITS_MIN_LENGTH:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    near = process.extract(
        key, _choices_near(len(key)), scorer=Levenshtein.distance, limit=4, score_cutoff=4
    )
    if not near or near[0][1] > 2:
        return None
    choice, edits = near[0][0], near[0][1]
    if any(n in active_flag_names() for n in _same_target(choice)):
        return None  # "Retinoll Acid": an active (here a drug) is never read from two letters off
    chosen = frozenset().union(*(plants.caution_flags(n) for n in _same_target(choice)))
    for rival, distance, _ in near[1:]:
        if _same_target(rival) == _same_target(choice):
            continue
        if distance <= edits:
            return None
        if not all(plants.caution_flags(n) <= chosen for n in _same_target(rival)):
            return None
    if _DIGITS.findall(choice) != _DIGITS.findall(key) or len(key.split()) != len(choice.split()):
        return None
    if changes_a_short_word(key, choice):
        return None
    names = (choice,) if choice in data.drug_names() else lookup_exact_or_alias(choice)[0]
    return Recognition(names, "fuzzy", round(1 - edits / len(key), 3))


def _one_typo_from(key: str, choice: str, rival: str | None) -> bool:
    """'Triethoxycaprylysilane': one letter from TRIETHOXYCAPRYLYLSILANE and two from
    TRIMETHOXYCAPRYLYLSILANE. A near tie is read as the only name one edit away, when the rival
    is further and carries no caution flag the choice lacks (never a lower verdict)."""
    from rapidfuzz.distance import Levenshtein

    if rival is None or Levenshtein.distance(key, choice, score_cutoff=1) > 1:
        return False
    if Levenshtein.distance(key, rival, score_cutoff=1) <= 1:
        return False
    chosen = frozenset().union(*(plants.caution_flags(n) for n in _same_target(choice)))
    return all(plants.caution_flags(n) <= chosen for n in _same_target(rival))


@lru_cache(maxsize=4096)
def _known_character(character: str) -> bool:
    """Does any name contain this character? A search of all the names for each character a
    key has (a set of every name's characters cost ~15 ms on the first unknown name)."""
    return character != "\n" and character in fuzzy_tables.all_names()


@cache
def _choices_near(length: int) -> list[str]:
    """The names long enough and short enough to reach the runner-up cutoff against a key of
    `length` characters (the score is at most 200 * shorter / (sum of lengths)); in the
    original order, so ties rank as before."""
    cutoff = FUZZY_MIN_SCORE - FUZZY_MIN_LEAD - _MARGIN
    near = bytes(int(200 * min(length, n) / (length + n) >= cutoff) for n in range(256))
    # (one byte per name: its length, 255 for longer ones; none of 255 or more is near a key
    # of at most FUZZY_MAX_LENGTH characters, so 255 stands for them all)
    return list(compress(fuzzy_tables.choices(), fuzzy_tables.choice_lengths().translate(near)))


def _same_target(name: str) -> tuple[str, ...]:
    return data.aliases().get(name, (name,))


def respelt_binomial(key: str) -> Recognition | None:
    """'Tanecetum Annuum (Blue Tansy) Oil', 'Vetivera Zizanoides Root Oil': a misspelt genus or
    species. The two words are matched (typos only) against the binomials of CosIng, and the
    name read again with the CosIng binomial; the plant part is never changed by this."""
    words = key.split(" ")
    if len(words) < 3 or not (words[0].isalpha() and words[1].isalpha()):
        return None
    binomial = f"{words[0]} {words[1]}"
    known = plants.binomials()
    if binomial in known or binomial in data.botanical_prefixes():
        return None
    from rapidfuzz import fuzz, process

    # The label's synonyms too ("Mooring Pterygosperma": MORINGA PTERYGOSPERMA = MORINGA OLEIFERA).
    best = process.extract(binomial, _respellable(), scorer=fuzz.ratio, limit=2, score_cutoff=80)
    if not best or best[0][1] < FUZZY_MIN_SCORE:
        return None
    reading = _respelt_reading(best[0][0], words[2:])
    if reading is None or len(best) < 2 or best[0][1] - best[1][1] >= FUZZY_MIN_LEAD:
        return _as_fuzzy(reading, best[0][1])
    # A near tie with a second spelling of one plant in CosIng ("VETIVERIA ZIZANOIDES" and
    # "VETIVERIA ZIZANIOIDES", two letters apart): the nearer, when both read the printed part
    # and form with the same caution flags (or only the nearer reads them at all).
    from rapidfuzz.distance import Levenshtein

    if Levenshtein.distance(best[0][0], best[1][0]) > 2:
        return None
    rival = _respelt_reading(best[1][0], words[2:])
    if rival is None:
        return _as_fuzzy(reading, best[0][1])
    flags = [frozenset().union(*map(plants.caution_flags, r[0])) for r in (reading, rival)]
    return _as_fuzzy(reading, best[0][1]) if flags[0] == flags[1] else None


def bracket_respelt(key: str) -> Recognition | None:
    """'Coconut Nucifera (Coconut) Extract', 'Butyrospermum Parki (Shea) Butter': one word of
    the binomial misspelt beyond a typo match, but the common name in the bracket is of the
    binomial (data: botanicals) with the other word as printed and this one starting alike.
    Read with that binomial, the plant part kept; a typo reading all the same."""
    contents = BRACKET_CONTENT.findall(key)
    words = name_key(BRACKETS.sub(" ", key)).split(" ")
    if len(contents) != 1 or len(words) < 3:
        return None
    binomial = data.botanical_prefixes().get(name_key(contents[0]), "").split(" ")
    if len(binomial) != 2 or words[:2] == binomial:
        return None
    same = [a == b for a, b in zip(words, binomial, strict=False)]
    alike = [a[:3] == b[:3] for a, b in zip(words, binomial, strict=False)]
    if not ((same[0] and alike[1]) or (same[1] and alike[0])):
        return None
    return _as_fuzzy(_respelt_reading(" ".join(binomial), words[2:]), FUZZY_MIN_SCORE)


def _respelt_reading(binomial: str, rest: list[str]) -> tuple[tuple[str, ...], float] | None:
    for candidate, penalty in candidates(" ".join([binomial, *rest])):
        found = lookup(candidate)
        if found is not None:
            return found[0], penalty
    return None


def _as_fuzzy(reading: tuple[tuple[str, ...], float] | None, score: float) -> Recognition | None:
    if reading is None:
        return None
    return Recognition(reading[0], "fuzzy", round(score / 100 - reading[1], 3))


@cache
def _respellable() -> tuple[str, ...]:
    """CosIng binomials and the two-word botanical synonyms of aliases.toml."""
    synonyms = (b for b in data.botanical_prefixes() if len(b.split(" ")) == 2)
    return tuple(dict.fromkeys([*plants.binomials(), *synonyms]))
