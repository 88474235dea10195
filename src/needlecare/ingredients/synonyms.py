"""Names printed as several: synonyms and translations ('Aqua/Water/Eau', 'Yeast Extract/Faex/
Extrait De Levure') and lists joined by 'and'. Every part is known, or the unknown parts are
plainly translations of the known one."""

from __future__ import annotations

import re

from needlecare.ingredients import plants
from needlecare.ingredients.readings import BRACKETS, candidates
from needlecare.ingredients.recognition import Recognition, lookup
from needlecare.ingredients.text import loose_words, name_key

_SLASH = re.compile(r"\s*[/\\]\s*")
_AND = re.compile(r"(?i)\s+(?:and|&|\+)\s+")


def split_synonyms(key: str) -> Recognition | None:
    """'Aqua/Water/Eau', 'Titanium Dioxide/CI 77891', 'X and Y': every part must be known, or
    the known parts name one ingredient and the rest are its name in other languages."""
    for splitter in (_SLASH, _AND):
        parts = [p for p in splitter.split(BRACKETS.sub(" ", key)) if p.strip()]
        if len(parts) < 2:
            continue
        found = [_lookup_part(name_key(p)) for p in parts]
        if splitter is _SLASH and not all(found):
            translated = _translated(parts, found)
            if translated is not None:
                return translated
        if all(found):
            names: list[str] = []
            for names_of_part, _ in filter(None, found):
                names += [n for n in names_of_part if n not in names]
            first = found[0]
            assert first is not None
            if splitter is _AND or len(names) >= 3:  # a list, not synonyms of one name
                return Recognition(tuple(names[:1]), first[1], 0.95, tuple((n,) for n in names[1:]))
            return Recognition(tuple(names), first[1], 0.98)
    return None


def _lookup_part(key: str) -> tuple[tuple[str, ...], str] | None:
    """A part of a slash or 'and' name, read like a whole name but without further splitting."""
    for candidate, _ in candidates(key):
        found = lookup(candidate)
        if found is not None:
            return found
    return None


# EU packs print one name in English, Latin and French (or more): "Yeast Extract/Faex/Extrait
# De Levure", "Sea Salt/Maris Sal/Sel Marin". A part that is not a known name is read as such a
# translation only if it has a word of these languages' ingredient vocabulary (or is one word).
_TRANSLATION_WORDS = frozenset(
    [
        "DE",
        "DU",
        "DES",
        "D",
        "LA",
        "LE",
        "LES",
        "DI",
        "DEL",
        "DELLA",
        "DELLE",
        "DO",
        "DA",
        "VON",
        "DER",
        "DES",
        "EAU",
        "HUILE",
        "EXTRAIT",
        "BEURRE",
        "CIRE",
        "CERA",
        "SEL",
        "FEUILLE",
        "FLEUR",
        "FLEURS",
        "GRAINE",
        "GRAINES",
        "RACINE",
        "ECORCE",
        "FRUIT",
        "JUS",
        "POUDRE",
        "MARIN",
        "ACEITE",
        "EXTRACTO",
        "AGUA",
        "MANTECA",
        "HOJA",
        "FLOR",
        "SEMILLA",
        "RAIZ",
        "OLIO",
        "ESTRATTO",
        "BURRO",
        "FOGLIA",
        "SEMI",
        "RADICE",
        "OL",
        "EXTRAKT",
        "BLATT",
        "BLUTE",
        "SAMEN",
        "WURZEL",
        "WASSER",
        "LEVURE",
        "SAL",
        "MIEL",
        "MELASSE",
        "CANNE",
        "SUCRE",
        "BETTERAVE",
        "ORGE",
        "ABEILLE",
        "LAIT",
        "PROTEINE",
        "VEGETALE",
        "AVOINE",
        "AMANDE",
        "DOUCE",
        "KARITE",
        "TOURNESOL",
        "PEPINS",
        "RAISIN",
        "PROTEINUM",
        "SEMEN",
        "FOLIUM",
        "RADIX",
        "FLOS",
    ]
)


def _words(part: str) -> list[str]:
    """The words of a name part, accents folded ('Mélasse' -> MELASSE)."""
    return re.findall(r"[A-Z]+", loose_words(part))


_PLANT_PARTS = frozenset(
    ["OIL", "EXTRACT", "BUTTER", "WAX", "WATER", "JUICE", "POWDER", "FLOUR", "STARCH", "CERA"]
)


def _translated(
    parts: list[str], found: list[tuple[tuple[str, ...], str] | None]
) -> Recognition | None:
    known = [f for f in found if f is not None]
    if not known:
        return None
    translations = 0
    # "Carthamus Tinctorius Seed Oil/Safflower Seed Oil": an English common name ending in the
    # same plant part as a known part is that part's synonym.
    known_ends = {p.split()[-1] for p, f in zip(parts, found, strict=True) if f and p.split()}
    known_words = {w for p, f in zip(parts, found, strict=True) if f for w in _words(p)}
    for part, reading in zip(parts, found, strict=True):
        words = _words(part)
        common_name = bool(words) and words[-1] in known_ends and words[-1] in _PLANT_PARTS
        translation = bool(set(words) & _TRANSLATION_WORDS)
        # "Beta Vulgaris Root Extract/Beta Vulgaris/...": the known name again, shortened.
        repeat = bool(words) and set(words) <= known_words
        # "Rosa SPP/Rose Flower Oil": the genus (data: genera) of the known generic name.
        generic = plants.generic_of_genus(name_key(part)) if reading is None else None
        latin = generic is not None and all(n.startswith(f"{generic} ") for n in known[0][0])
        if (
            reading is None
            and len(words) > 1
            and not (translation or common_name or repeat or latin)
        ):
            return None
        # "Honey/Mel/Miel": in a name of three or more languages, a lone unknown word is one.
        lone = reading is None and len(words) == 1 and len(parts) >= 3
        translations += reading is None and (translation or lone)
    # Known parts that name different ingredients are a list, unless a part is plainly a
    # translation ("Yeast Extract/Faex/Extrait De Levure": CosIng lists both YEAST EXTRACT and
    # FAEX): then the first known name is the ingredient.
    if len({f[0] for f in known}) != 1 and not translations:
        return None
    names, match = known[0]
    return Recognition(names, match, 0.95)
