"""Recognise a printed ingredient name: CosIng INCI, alias, drug name, or a scored typo match.

Order: exact (normalised) -> alias -> exact after removing decoration (brackets, "organic",
broken hyphens, OCR slips) -> fuzzy. A fuzzy match needs a high score, a clear lead over the
runner-up and the same digits (PEG-10 is not PEG-100). Below that the name stays unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress

from needlecare.ingredients import data, plants
from needlecare.ingredients.text import (
    SOFT_HYPHEN,
    loose_key,
    loose_words,
    name_key,
    ocr_variant,
)

FUZZY_MIN_SCORE = 90.0
FUZZY_MIN_LEAD = 3.0
FUZZY_MIN_LENGTH = 6
FUZZY_MAX_LENGTH = 120  # longer text is not one misspelt name


@dataclass(frozen=True)
class Recognition:
    names: tuple[str, ...]  # canonical names; empty when unknown
    match: str | None  # "exact" | "alias" | "fuzzy" | None
    confidence: float
    extra: tuple[tuple[str, ...], ...] = ()  # further ingredients listed inside brackets

    @property
    def recognized(self) -> bool:
        return bool(self.names)

    @property
    def name(self) -> str | None:
        return "/".join(self.names) if self.names else None


UNKNOWN = Recognition((), None, 0.0)
_QUALIFIERS = re.compile(
    r"(?i)\b(?:certified\s+organic|organic|org\.|bio|natural|naturally\s+derived|wild[- ]crafted"
    r"|cold[- ]pressed|virgin|extra\s+virgin|refined|unrefined|vegetable|plant[- ]derived"
    r"|non[- ]?gmo|fair\s?trade|pure|100\s*(?:%|percent))\b"
)
# Pharmacy labels: a pharmacopoeia suffix ("Hydroquinone USP", "Adapalene BP", "Ph. Eur.") and
# the dosage form after a drug name ("Tazarotene Cream", "Tretinoin Gel USP").
_PHARMACOPOEIA = re.compile(
    r"(?i)(?<![\w-])(?:U\.?S\.?P\.?|B\.?P\.?|EP|NF|JP|PH\.? ?EUR\.?)(?![\w-])"
)
_DOSAGE_FORM = re.compile(
    r"(?i)(?: TOPICAL)? (?:CREAM|GEL|LOTION|OINTMENT|SOLUTION|FOAM|EMULSION|SUSPENSION"
    r"|MICROSPHERES?|PLEDGETS?|SWABS?|WASH)$"
)
# US certified colours: "FD&C Yellow No. 5 Aluminum Lake", "D&C Red 7 Ca Lake" -> "YELLOW 5".
_US_COLOUR = re.compile(
    r"^(?:(?:EXT\.? )?D&C |FD&C )?(RED|YELLOW|BLUE|GREEN|ORANGE|VIOLET|BROWN) (?:NO\.? ?)?(\d{1,2})"
    r"(?: (?:ALUMINUM|ALUMINIUM|AL|CALCIUM|CA|BARIUM|BA|STRONTIUM|SR|ZIRCONIUM|ZR|POTASSIUM))?"
    r"(?: LAKE)?$"
)
_TRAILING_PURPOSE = re.compile(
    r" (?:SUNSCREEN|SKIN PROTECTANT|ACNE (?:TREATMENT|MEDICATION)|ANTI-?ITCH|ANTISEPTIC"
    r"|ANTIPERSPIRANT|ANTIDANDRUFF|ANALGESIC)$"
)
_NAMED_CI = re.compile(r"^(.*\S) (CI \d{5})$")
_BRACKETS = re.compile(r"\s*[(\[{][^()\[\]{}]*[)\]}]\s*")
_BRACKET_CONTENT = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_CI_LIST = re.compile(r"^CI ?(\d{5})((?:\s*[,/&]\s*(?:CI ?)?\d{5})+)$")
_SLASH = re.compile(r"\s*[/\\]\s*")
_GRADE = re.compile(r"\s+\d{2,4}$")
_AND = re.compile(r"(?i)\s+(?:and|&|\+)\s+")
# "..., Tocopherol, and Moringa Oleifera Leaf Extract": the conjunction before a list's last name.
_LEADING_AND = re.compile(r"^(?:AND|&|\+) (?=\S)")
# "Hippophae Rhamnoides L. (Sea Buckthorn) Oil": a botanical authority after the binomial
# (L. = Linnaeus), which INCI names never carry.
_AUTHORITY = re.compile(r"^([A-Z]+ [A-Z]+) (?:L|LINN|L\. F)\.?(?= )")
# INCI renamed the branched C8 "octyl" esters "ethylhexyl" (Octyl Palmitate -> ETHYLHEXYL
# PALMITATE); labels still print the old name. Tried only after the literal name.
_OCTYL = re.compile(r"\bOCTYL\b")
# "Cedrus Atlantica Bark (Cedarwood) Essential Oil": CosIng names an essential oil "... OIL".
_ESSENTIAL_OIL = re.compile(r" ESSENTIAL OIL$")
# "Cucumis Sativus [Cucumis Sativus (Cucumber) Fruit Extract]": a short name, then in square
# brackets the full INCI name that starts with it.
_FULL_NAME_IN_BRACKETS = re.compile(r"^([^\[\]]+?) ?\[(.+)\]$")
# "Aleurites Moluccana (Kukui) Nut Oil", "Macadamia Nut Oil": CosIng names the nut a SEED.
_NUT = re.compile(r"\bNUT(?= (?:OIL|BUTTER|EXTRACT|POWDER)\b)")
# "L-Tyrosine", "d-Limonene", "DL-Panthenol": the stereo prefix of a chemical name, which INCI
# names leave out (TYROSINE, LIMONENE); also inside a dipeptide ("L-Alanyl-L-Glutamine" ->
# ALANYL GLUTAMINE) and with the sign of rotation ("L (+) Lactic Acid"). Tried only after the
# literal name.
_STEREO = re.compile(r"(?:^|(?<=-))(?:DL|D|L)(?:-| ?\([+\-±]\)[- ]?)(?=[A-Z]{3})")
# "Diisopropyl Adipate 6938-94-9": a CAS Registry Number printed after the name; read without it
# only when its check digit is right.
_CAS_SUFFIX = re.compile(r"^(.*\S) (?:CAS(?: NO\.?| ?#)?:? ?)?(\d{2,7})-(\d{2})-(\d)$")
# "Citrus Aurantium var. Amara (Neroli) Flower Oil": a botanical rank marker inside the name
# (var. = variety, ssp./subsp. = subspecies), which INCI names leave out.
_RANK = re.compile(r"^([A-Z]+ [A-Z-]+) (?:VAR|SSP|SUBSP)\.? (?=[A-Z])")
# "Tris (Tetramethylhydroxypiperidinol) Citrate": a space before a bracket that is part of a
# chemical name (CosIng: TRIS(TETRAMETHYLHYDROXYPIPERIDINOL) CITRATE).
_SPACED_CHEMICAL_BRACKET = re.compile(r" \(([A-Z0-9-]{6,})\)")
# "Acai Berry Extract", "Sea Buckthorn Berry Oil": INCI names a berry the plant's FRUIT
# (EUTERPE OLERACEA FRUIT EXTRACT, HIPPOPHAE RHAMNOIDES FRUIT OIL).
_BERRY = re.compile(r"\bBERR(?:Y|IES)(?= (?:OIL|EXTRACT|JUICE|POWDER|WATER)$)")
# "Propylene Glycol Dioctanoate", "Octanoic Acid": the systematic (IUPAC) name of a fatty acid
# where INCI uses the trivial one (C6 caproic, C8 caprylic, C10 capric, C12 lauric, C14 myristic,
# C16 palmitic, C18 stearic). Only a whole acid word, alone or after di/tri/tetra, so that
# ETHYLHEXANOATE stays. Tried only after the literal name.
_SYSTEMATIC_ACID = re.compile(
    r"(?:\b|(?<=\bDI)|(?<=\bTRI)|(?<=\bTETRA))"
    r"(HEXADECANO|OCTADECANO|TETRADECANO|DODECANO|DECANO|OCTANO|HEXANO)(?=ATE\b|IC ACID\b)"
)
_TRIVIAL_ACID = {
    "HEXANO": "CAPRO",
    "OCTANO": "CAPRYL",
    "DECANO": "CAPR",
    "DODECANO": "LAUR",
    "TETRADECANO": "MYRIST",
    "HEXADECANO": "PALMIT",
    "OCTADECANO": "STEAR",
}
# "Sodium Carbonate Decahydrate": INCI names a hydrated salt by its anhydrous name (SODIUM
# CARBONATE); the water of crystallisation is read away when the rest is a known name.
_HYDRATE = re.compile(
    r" (?:MONO|DI|TRI|TETRA|PENTA|HEXA|HEPTA|OCTA|NONA|DECA|SESQUI|HEMI)?HYDRATE$"
)
# "3-0-Ethyl Ascorbic Acid": a zero typed for the letter O of a locant (3-O-ETHYL ...).
_ZERO_FOR_O = re.compile(r"(?<=\d)-0-(?=[A-Z])")
# "Red Raspberry Seed Oil (Rubus Idaeus)", "Kokum Butter (Garcinia Indica)": a common name and
# the plant part, then the INCI binomial in brackets. Read as the binomial plus the printed part.
_PART_WORDS = frozenset(
    {
        *("SEED", "KERNEL", "FRUIT", "LEAF", "FLOWER", "PEEL", "ROOT", "BARK", "STEM", "WOOD"),
        *("BUD", "HERB", "RHIZOME", "TUBER", "BULB", "SPROUT", "CALLUS", "OIL", "EXTRACT"),
        *("BUTTER", "WAX", "JUICE", "WATER", "POWDER", "FLOUR", "GEL"),
    }
)


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
    for candidate, penalty in _candidates(key):
        found = _lookup(candidate)
        if found is not None:
            names, match = found
            return Recognition(names, match, 1.0 - penalty, _bracket_extras(key, names))
    split = _split_synonyms(key)
    if split is not None:
        return split
    if not fuzzy:
        return UNKNOWN
    plain = _BRACKETS.sub(" ", key).strip()
    return (
        _fuzzy(plain)
        or (_fuzzy(key) if key != plain else None)
        or _respelt_binomial(name_key(plain))
        or UNKNOWN
    )


def _respelt_binomial(key: str) -> Recognition | None:
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
    if len(best) > 1 and best[0][1] - best[1][1] < FUZZY_MIN_LEAD:
        return None
    respelt = " ".join([best[0][0], *words[2:]])
    for candidate, penalty in _candidates(respelt):
        found = _lookup(candidate)
        if found is not None:
            return Recognition(found[0], "fuzzy", round(best[0][1] / 100 - penalty, 3))
    return None


@cache
def _respellable() -> tuple[str, ...]:
    """CosIng binomials and the two-word botanical synonyms of aliases.toml."""
    synonyms = (b for b in data.botanical_prefixes() if len(b.split(" ")) == 2)
    return tuple(dict.fromkeys([*plants.binomials(), *synonyms]))


def _lookup(key: str) -> tuple[tuple[str, ...], str] | None:
    key = key.strip(" .,;:")
    if not key:
        return None
    targets = data.aliases().get(key)
    if targets:
        return targets, "alias"
    if key in data.inventory().names or key in data.drug_names():
        return (key,), "exact"
    loose = data.loose_index().get(loose_key(key) or "\x00")
    if loose is not None:
        return _lookup_exact_or_alias(loose)
    for with_dot in (key + ".",):  # "ALCOHOL DENAT" printed without its final dot
        if with_dot in data.inventory().names:
            return (with_dot,), "exact"
    return None


def _lookup_part(key: str) -> tuple[tuple[str, ...], str] | None:
    """A part of a slash or 'and' name, read like a whole name but without further splitting."""
    for candidate, _ in _candidates(key):
        found = _lookup(candidate)
        if found is not None:
            return found
    return None


def _lookup_exact_or_alias(name: str) -> tuple[tuple[str, ...], str]:
    targets = data.aliases().get(name)
    return (targets, "alias") if targets else ((name,), "exact")


def _candidates(key: str) -> Iterator[tuple[str, float]]:
    """Readings of one printed name, most literal first, with a small confidence penalty."""
    yield key, 0.0
    if _LEADING_AND.match(key):
        yield from _candidates(_LEADING_AND.sub("", key))
        return
    if _AUTHORITY.match(key):
        yield from _candidates(_AUTHORITY.sub(r"\1", key))
        return
    full = _FULL_NAME_IN_BRACKETS.match(key)
    if full and name_key(full[2]).startswith(name_key(full[1])):
        yield from _candidates(name_key(full[2]))
        return
    if SOFT_HYPHEN in key:
        yield key.replace(SOFT_HYPHEN, ""), 0.0
        yield key.replace(SOFT_HYPHEN, "-"), 0.0
    plain = name_key(_QUALIFIERS.sub(" ", key))
    if plain and plain != key:
        yield plain, 0.0
    no_brackets = name_key(_BRACKETS.sub(" ", plain or key))
    if no_brackets and no_brackets != key:
        yield no_brackets, 0.0  # Simmondsia Chinensis (Jojoba) Seed Oil
    # "Brassica Oleracea (Kale) Leaf Extract": the common name in brackets says which variety
    # (KALE = BRASSICA OLERACEA ACEPHALA); read with that longer binomial, the part kept.
    printed = (no_brackets or key).split(" ")
    for content in _BRACKET_CONTENT.findall(key) if len(printed) > 2 else ():
        variety = data.botanical_prefixes().get(name_key(_QUALIFIERS.sub(" ", content)))
        if variety and variety.startswith(f"{printed[0]} {printed[1]} "):
            yield " ".join([variety, *printed[2:]]), 0.0
    spaced = _SPACED_CHEMICAL_BRACKET.sub(r"(\1)", key)
    if spaced != key:
        yield spaced, 0.0
    # The name outside a bracket, or a synonym inside it, not when a plant part follows the
    # bracket: in "Hamamelis Virginiana (Witch Hazel) Leaf Extract" the words after it say which
    # part of the plant it is, and the bracket alone (WITCH HAZEL = the water) would change it.
    after = set(re.split(r"[)\]}]", key)[-1].split()) if re.search(r"[)\]}]", key) else set()
    before = set(key.split("(")[0].split("[")[0].split())
    # ("Salvia Officinalis Leaf Extract (Sage) Leaf Extract": a part repeated is no new part.)
    ends_with_bracket = not (after - before) & (_PART_WORDS | {"ESSENTIAL"})
    outer = name_key((plain or key).split("(")[0].split("[")[0])
    if outer and outer not in (key, no_brackets) and ends_with_bracket:
        yield outer, 0.0  # Water (Aqua): the name outside the bracket
    for content in _BRACKET_CONTENT.findall(key) if ends_with_bracket else ():
        for part in re.split(r"[,/;]", content):
            if name_key(part):
                yield name_key(part), 0.02  # "(Aqua)": a synonym in brackets
    # "Red Raspberry Seed Oil (Rubus Idaeus)", "Tangerine (Citrus Tangerina) Oil": a common name,
    # the binomial in brackets, the plant part before or after it: the binomial and that part.
    contents = _BRACKET_CONTENT.findall(key)
    if len(contents) == 1 and outer:
        binomial = name_key(_QUALIFIERS.sub(" ", contents[0]))
        tail = name_key(re.split(r"[)\]}]", key)[-1]).split()
        if binomial in _binomial_set() and set(tail) <= _PART_WORDS | {"ESSENTIAL"}:
            words = name_key(_QUALIFIERS.sub(" ", outer)).split(" ")
            cut = len(words)
            while cut > 0 and words[cut - 1] in _PART_WORDS:
                cut -= 1
            if cut < len(words) or tail:
                for reading, penalty in _candidates(" ".join([binomial, *words[cut:], *tail])):
                    yield reading, penalty + 0.02
    grade = _GRADE.sub("", no_brackets or key)
    if grade != (no_brackets or key):
        yield grade, 0.05  # "Carbomer 940": a supplier grade after the INCI name
    ocr = ocr_variant(no_brackets or key)
    if ocr != (no_brackets or key):
        yield ocr, 0.05
    purpose = _TRAILING_PURPOSE.sub("", no_brackets or key)
    if purpose != (no_brackets or key):
        yield purpose, 0.0  # "Zinc Oxide Sunscreen": a drug-facts purpose after the name
    drug = name_key(_DOSAGE_FORM.sub("", name_key(_PHARMACOPOEIA.sub(" ", no_brackets or key))))
    if drug and drug != (no_brackets or key):
        yield drug, 0.0
    colour = _US_COLOUR.match(no_brackets or key)
    if colour:
        yield f"{colour[1]} {colour[2]}", 0.0
    named_ci = _NAMED_CI.match(no_brackets or key)
    if named_ci and _lookup(named_ci[1]) is not None:
        yield named_ci[2], 0.0  # "Iron Oxides CI 77491": the number says which one
    for base in dict.fromkeys((no_brackets or key, outer if ends_with_bracket else "")):
        if not base:
            continue
        yield from _botanical_readings(base, guess=base == (no_brackets or key))
    if _OCTYL.search(no_brackets or key):
        yield _OCTYL.sub("ETHYLHEXYL", no_brackets or key), 0.0
    for base in dict.fromkeys((no_brackets or key, key)):
        if _STEREO.search(base):
            yield from _candidates(name_key(_STEREO.sub("", base)))
            break
    cas = _CAS_SUFFIX.match(no_brackets or key)
    if cas and _cas_check_digit(cas[2] + cas[3]) == int(cas[4]):
        yield from _candidates(cas[1])
    if _RANK.match(no_brackets or key):
        yield from _candidates(_RANK.sub(r"\1 ", no_brackets or key))
    # "Pentaclethra Macroloba Oil": the plant part left out (never guessed from a truncation).
    guessed = plants.guess(no_brackets or key)
    if guessed is not None:
        yield guessed, 0.1
    if _ESSENTIAL_OIL.search(no_brackets or key):
        # Read as "... OIL" only if that name is flagged an essential oil: never lower a verdict.
        for oil, penalty in _candidates(_ESSENTIAL_OIL.sub(" OIL", no_brackets or key)):
            found = _lookup(oil)
            if found and all("essential_oil" in plants.caution_flags(n) for n in found[0]):
                yield oil, penalty
                break
    base = no_brackets or key
    acid = _SYSTEMATIC_ACID.sub(lambda m: _TRIVIAL_ACID[m[1]], base)
    if acid != base:
        yield acid, 0.0
    if _HYDRATE.search(base):
        yield _HYDRATE.sub("", base), 0.0
    if _ZERO_FOR_O.search(base):
        yield _ZERO_FOR_O.sub("-O-", base), 0.02
    if _BERRY.search(base):
        yield from _candidates(_BERRY.sub("FRUIT", base))
    if _NUT.search(no_brackets or key):  # or no part at all: "Shea Nut Butter" -> BUTTER
        yield from _candidates(_NUT.sub("SEED", no_brackets or key))
        yield from _candidates(name_key(_NUT.sub("", no_brackets or key)))


def _cas_check_digit(digits: str) -> int:
    """CAS Registry Number check digit: the other digits, last first, weighted 1, 2, 3, ..."""
    return sum(weight * int(d) for weight, d in enumerate(reversed(digits), start=1)) % 10


@cache
def _binomial_set() -> frozenset[str]:
    return frozenset(plants.binomials())


def _botanical_readings(key: str, guess: bool) -> Iterator[tuple[str, float]]:
    """'CITRUS MEDICA LIMONUM FRUIT EXTRACT' -> 'CITRUS LIMON FRUIT EXTRACT'; 'GRAPE SEED
    EXTRACT' -> 'VITIS VINIFERA SEED EXTRACT': the leading words as data/aliases.toml maps them,
    the plant part kept."""
    words = key.split(" ")
    prefixes = data.botanical_prefixes()
    for size in range(min(len(words), 4), 0, -1):
        binomial = prefixes.get(" ".join(words[:size]))
        if binomial is not None:
            reading = " ".join([binomial, *words[size:]])
            yield reading, 0.0
            guessed = plants.guess(reading) if guess else None
            if guessed is not None:
                yield guessed, 0.1
            return


def _bracket_extras(key: str, names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """'Parfum (Limonene, Linalool)': two or more other ingredients named inside the bracket."""
    extras: list[tuple[str, ...]] = []
    for content in _BRACKET_CONTENT.findall(key):
        parts = [name_key(p) for p in re.split(r"[,;]", content) if name_key(p)]
        if len(parts) < 2:
            continue
        for part in parts:
            found = _lookup(part)
            if found and not set(found[0]) & set(names) and found[0] not in extras:
                extras.append(found[0])
    return tuple(extras)


def _split_synonyms(key: str) -> Recognition | None:
    """'Aqua/Water/Eau', 'Titanium Dioxide/CI 77891', 'X and Y': every part must be known, or
    the known parts name one ingredient and the rest are its name in other languages."""
    for splitter in (_SLASH, _AND):
        parts = [p for p in splitter.split(_BRACKETS.sub(" ", key)) if p.strip()]
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
        if reading is None and len(words) > 1 and not (translation or common_name or repeat):
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


_DIGITS = re.compile(r"\d+")


# fuzz.ratio is 200 * LCS / (len(a) + len(b)); these bounds on the LCS skip work that cannot
# reach a score without changing any result (the margin absorbs rounding).
_MARGIN = 1.0


def _fuzzy(key: str) -> Recognition | None:
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
        return None
    choice, score = best[0][0], best[0][1]
    rival = next((c for c, _, _ in best[1:] if _same_target(c) != _same_target(choice)), None)
    runner_up = next((s for c, s, _ in best[1:] if c == rival), 0.0)
    if score - runner_up < FUZZY_MIN_LEAD and not _one_typo_from(key, choice, rival):
        return None
    if _DIGITS.findall(choice) != _DIGITS.findall(key):
        return None
    if len(key.split()) != len(choice.split()):  # typos only: never add or drop a word
        return None
    names = (choice,) if choice in data.drug_names() else _lookup_exact_or_alias(choice)[0]
    return Recognition(names, "fuzzy", round(score / 100, 3))


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


@cache
def _all_names() -> str:
    return "\n".join(data.fuzzy_choices())


@lru_cache(maxsize=4096)
def _known_character(character: str) -> bool:
    """Does any name contain this character? A search of all the names for each character a
    key has (a set of every name's characters cost ~15 ms on the first unknown name)."""
    return character != "\n" and character in _all_names()


@cache
def _choices_near(length: int) -> list[str]:
    """The names long enough and short enough to reach the runner-up cutoff against a key of
    `length` characters (the score is at most 200 * shorter / (sum of lengths)); in the
    original order, so ties rank as before."""
    cutoff = FUZZY_MIN_SCORE - FUZZY_MIN_LEAD - _MARGIN
    lengths = _choice_lengths()
    near = {n for n in range(max(lengths) + 1) if 200 * min(length, n) / (length + n) >= cutoff}
    return list(compress(data.fuzzy_choices(), map(near.__contains__, lengths)))


@cache
def _choice_lengths() -> list[int]:
    return list(map(len, data.fuzzy_choices()))  # once, not once per key length


def _same_target(name: str) -> tuple[str, ...]:
    return data.aliases().get(name, (name,))
