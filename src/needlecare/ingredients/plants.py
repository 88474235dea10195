"""Plant names printed without their plant part: 'Pentaclethra Macroloba Oil' (CosIng: SEED OIL),
'Pogostemon Cablin (Patchouli) Oil' (LEAF OIL), 'Borago Officinalis' (EXTRACT).

A guess is only made when it cannot lower the verdict: the chosen CosIng name must carry every
caution flag that any other candidate form of the same plant would carry ("Citrus Aurantium
Amara Oil" is read as the flower oil, an essential oil like the peel oil; a bare "Chamomilla
Recutita" stays unknown because its flower oil is an essential oil and its extract is not).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

from needlecare.ingredients import data
from needlecare.ingredients.flags import caution_flags

# The last word of a plant-derived INCI name: the form of the material.
FORMS = frozenset(["OIL", "EXTRACT", "WATER", "JUICE", "BUTTER", "WAX", "POWDER", "CERA"])


@cache
def _by_binomial() -> dict[str, str]:
    """'GENUS SPECIES' -> the single-ingredient CosIng names that start with it, joined by tabs
    (split only for the plants that labels name)."""
    compiled = data.compiled_plants()  # built by by_binomial_of when the index was built
    if compiled is not None:
        return compiled
    return {b: "\t".join(n) for b, n in by_binomial_of(data.inventory().names).items()}


def by_binomial_of(inventory_names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """'GENUS SPECIES' -> the single-ingredient CosIng names that start with it, in order."""
    found: dict[str, list[str]] = {}
    for name in inventory_names:
        if "/" in name or "(" in name:
            continue
        words = name.split(" ", 2)  # the first two words and the rest (~30,000 names)
        if len(words) < 3 or not words[0].isalpha():
            continue
        found.setdefault(f"{words[0]} {words[1]}", []).append(name)
    return {binomial: tuple(names) for binomial, names in found.items()}


@cache
def binomials() -> tuple[str, ...]:
    """Every 'GENUS SPECIES' that starts a CosIng name of a plant material."""
    return tuple(sorted(_by_binomial()))


@lru_cache(maxsize=4096)
def guess(key: str) -> str | None:
    """The CosIng name of a plant name printed without (or with a shortened) plant part."""
    words = key.split(" ")
    if not 2 <= len(words) <= 6 or not all(w.isalpha() for w in words):
        return None
    joined = _by_binomial().get(f"{words[0]} {words[1]}")
    if not joined:
        return None
    forms = joined.split("\t")
    if words[-1] in FORMS:
        if len(words) < 3:
            return None
        stem, form = words[:-1], words[-1]
        # "GENUS SPECIES [VAR] OIL" -> "GENUS SPECIES [VAR] <PART> OIL": one or two words added.
        pool = [
            n
            for n in forms
            if n.endswith(" " + form)
            and n.split(" ")[: len(stem)] == stem
            and 1 <= len(n.split(" ")) - len(words) <= 2
        ]
    elif len(words) <= 3:
        # "GENUS SPECIES" alone: read as its EXTRACT, judged against every form of the plant.
        extract = f"{key} EXTRACT"
        if extract not in data.inventory().names:
            return None
        pool = [extract, *(n for n in forms if n.split(" ")[: len(words)] == words)]
    else:
        return None
    if not pool:
        return None
    if words[-1] not in FORMS:
        chosen = pool[0]
    else:
        chosen = min(pool, key=lambda n: (-len(caution_flags(n)), len(n.split(" ")), n))
    every = frozenset().union(*(caution_flags(n) for n in pool))
    return chosen if caution_flags(chosen) >= every else None
