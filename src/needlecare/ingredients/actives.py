"""Find the active ingredients named anywhere in a piece of text that is not read as a list.

Which names are actives is data: every name that a rule of an `active = true` flag in
data/flags.toml gives that flag (names, annex lists, patterns over the CosIng inventory), with
the label aliases and drug synonyms that lead to them. The checker scans every ignored text and
every ingredient it cannot fully account for, so an active is never dropped with the words
around it ("Tretinoin 0.025% in a cream base of ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from needlecare.ingredients import data
from needlecare.ingredients.flags import active_flag_names
from needlecare.ingredients.text import loose_key

_TOKEN = re.compile(r"[^\W_]+")
MIN_KEY_LENGTH = 4  # shorter keys ("BP", "AHA") are initials that ordinary words contain


@dataclass(frozen=True)
class ActiveHit:
    printed: str  # the words as printed
    names: tuple[str, ...]  # canonical names
    start: int
    end: int


@dataclass(frozen=True)
class _Index:
    by_key: dict[str, tuple[str, ...]]
    max_tokens: int


@cache
def _index() -> _Index:
    actives = active_flag_names()
    by_key: dict[str, tuple[str, ...]] = {}
    for name in actives:
        by_key[loose_key(name)] = (name,)
    for label_name, targets in data.aliases().items():
        wanted = tuple(t for t in targets if t in actives)
        if wanted:
            by_key.setdefault(loose_key(label_name), wanted)
    by_key = {k: v for k, v in by_key.items() if len(k) >= MIN_KEY_LENGTH}
    longest = max(len(_TOKEN.findall(name)) for name in (*actives, *data.aliases()))
    return _Index(by_key, longest)


@lru_cache(maxsize=4096)
def find_actives(text: str) -> tuple[ActiveHit, ...]:
    """Every active named in `text`, longest reading first, left to right (no overlaps).

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
            position += 1
    return tuple(hits)
