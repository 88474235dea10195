"""Recognise a printed ingredient name: CosIng INCI, alias, drug name, or a scored typo match.

Order: exact (normalised) -> alias -> exact after removing decoration (brackets, "organic",
broken hyphens, OCR slips) -> fuzzy. A fuzzy match needs a high score, a clear lead over the
runner-up and the same digits (PEG-10 is not PEG-100). Below that the name stays unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from needlecare.ingredients import data, plants
from needlecare.ingredients.fuzzy import bracket_respelt, fuzzy_match, respelt_binomial
from needlecare.ingredients.readings import BARE_STRENGTH, BRACKET_CONTENT, BRACKETS, candidates
from needlecare.ingredients.recognition import UNKNOWN, Recognition, lookup
from needlecare.ingredients.synonyms import split_synonyms
from needlecare.ingredients.text import name_key

_PLANT_WORDS = plants.PARTS | plants.FORMS | {"ESSENTIAL"}
_CI_LIST = re.compile(r"^CI ?(\d{5})((?:\s*[,/&]\s*(?:CI ?)?\d{5})+)$")


@lru_cache(maxsize=16384)
def recognise(text: str, fuzzy: bool = True) -> Recognition:
    """The reading of one printed name; `fuzzy=False` for exact/alias readings only (cheap).

    Cached by printed text (and by key below): names repeat across lists."""
    return _recognise_key(name_key(text), fuzzy)


@lru_cache(maxsize=8192)
def _recognise_key(key: str, fuzzy: bool) -> Recognition:
    ci_list = _CI_LIST.match(key)
    if ci_list:
        numbers = [ci_list[1], *re.findall(r"\d{5}", ci_list[2])]
        return Recognition(tuple(f"CI {n}" for n in numbers), "exact", 1.0)
    for candidate, penalty in candidates(key):
        found = lookup(candidate)
        if found is not None:
            names, match = found
            return Recognition(names, match, 1.0 - penalty, _bracket_extras(key, names))
    split = split_synonyms(key)
    if split is not None:
        return split
    genus = _genus_reading(BRACKETS.sub(" ", key).strip() or key)
    if genus is not None:
        return genus
    generic = plants.genus_generic(name_key(BRACKETS.sub(" ", key)) or key)
    if generic is not None:  # "Rosa Spp. Flower Oil": the genus' generic name (ROSE FLOWER OIL)
        return Recognition((generic,), "alias", 0.9)
    if not fuzzy:
        return UNKNOWN
    # "Ziziphus Jujuba Fruit Extract": a plant material named by the INCI convention that the
    # 2020 CosIng snapshot does not list yet; read as printed (plants.compose says when).
    for candidate, penalty in candidates(key):
        composed = plants.compose(candidate)
        if composed is not None:
            return Recognition((composed,), "exact", round(0.85 - penalty, 3))
    plain = BARE_STRENGTH.sub("", BRACKETS.sub(" ", key).strip())  # "Retinoll 0.3": no number
    if set(plain.split()) <= _PLANT_WORDS:
        return UNKNOWN  # "Flower Extract": a plant part and form name no plant (not HAYFLOWER)
    return (
        fuzzy_match(plain)
        or (fuzzy_match(key) if key != plain else None)
        or respelt_binomial(name_key(plain))
        or bracket_respelt(key)
        or UNKNOWN
    )


def _bracket_extras(key: str, names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """'Parfum (Limonene, Linalool)': two or more other ingredients named inside the bracket."""
    extras: list[tuple[str, ...]] = []
    for content in BRACKET_CONTENT.findall(key):
        parts = [name_key(p) for p in re.split(r"[,;]", content) if name_key(p)]
        if len(parts) < 2:
            continue
        for part in parts:
            found = lookup(part)
            if found and not set(found[0]) & set(names) and found[0] not in extras:
                extras.append(found[0])
    return tuple(extras)


def _genus_reading(key: str) -> Recognition | None:
    """'Jasmine Flower Extract', 'Peony Root Extract': a common name of several species (data:
    botanical_genera), read as each species' name with the printed part and form; recognised as
    all the CosIng names so found (like IRON OXIDES), so it carries the flags of every one."""
    words = name_key(key).split(" ")
    genera = data.botanical_genera()
    for size in (2, 1):
        binomials = genera.get(" ".join(words[:size])) if len(words) > size else None
        if binomials is None:
            continue
        names: list[str] = []
        for binomial in binomials:
            for candidate, _ in candidates(" ".join([binomial, *words[size:]])):
                found = lookup(candidate)
                if found is not None:
                    names += found[0]
                    break
        return Recognition(tuple(dict.fromkeys(names)), "alias", 0.9) if names else None
    return None
