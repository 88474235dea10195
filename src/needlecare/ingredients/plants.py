"""Plant names printed without their plant part: 'Pentaclethra Macroloba Oil' (CosIng: SEED OIL),
'Pogostemon Cablin (Patchouli) Oil' (LEAF OIL), 'Borago Officinalis' (EXTRACT).

A guess is only made when it cannot lower the verdict: the chosen CosIng name must carry every
caution flag that any other candidate form of the same plant would carry ("Citrus Aurantium
Amara Oil" is read as the flower oil, an essential oil like the peel oil). A bare binomial is
read as the EXTRACT, judged against every form but the oils, which labels always name "... Oil"
("Chamomilla Recutita (Matricaria)" -> CHAMOMILLA RECUTITA EXTRACT; a bare "Hamamelis
Virginiana" stays unknown: its water is flagged `drying_alcohol` and its extract is not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from needlecare.ingredients import data
from needlecare.ingredients.flags import caution_flags

# Forms a label always prints, so that a bare binomial is never one of them.
_PRINTED_FORMS = frozenset(["OIL", "POWDER"])
# The last word of a plant-derived INCI name: the form of the material.
FORMS = frozenset(["OIL", "EXTRACT", "WATER", "JUICE", "BUTTER", "WAX", "POWDER", "CERA", "FLOUR"])


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
    if not 2 <= len(words) <= 6 or not all(w.replace("-", "").isalpha() for w in words):
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
        # "GENUS SPECIES" alone: read as its EXTRACT, judged against every form of the plant
        # but its oils and powders. INCI names them "... OIL", "... POWDER" and labels print
        # that word ("Chamomilla Recutita (Matricaria) Flower Oil", "Camellia Sinensis Seed
        # Powder", an exfoliant), so a name without it is neither; a water stays in the pool
        # (witch hazel distillate is printed by the plant's name alone).
        extract = f"{key} EXTRACT"
        if extract not in data.inventory().names:
            # or the plant's only extract ("Anthemis Nobilis" -> ANTHEMIS NOBILIS FLOWER EXTRACT)
            extracts = [
                n
                for n in forms
                if n.startswith(f"{key} ")
                and n.endswith(" EXTRACT")
                and len(n.split(" ")) == len(words) + 2
                and n.split(" ")[len(words)] in PARTS  # a part, not a form ("... WAX EXTRACT")
            ]
            if len(extracts) != 1:
                return None
            extract = extracts[0]
        pool = [
            extract,
            *(
                n
                for n in forms
                if n.split(" ")[: len(words)] == words
                and n.rsplit(" ", 1)[-1] not in _PRINTED_FORMS
            ),
        ]
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


def guess_penalty(key: str) -> float:
    """The confidence a guess loses: more for a bare binomial, whose form is guessed too, so
    that a name whose commas were lost is never cut between a binomial and its form
    ("Lavandula Angustifolia (Lavender) Oil* Citrus ..." : the pieces need 0.9)."""
    return 0.1 if key.rsplit(" ", 1)[-1] in FORMS else 0.15


# Plant parts of INCI botanical names ("GENUS SPECIES PART FORM"), and the parts whose oil is a
# pressed (fixed) oil rather than a distilled essential oil.
PARTS = frozenset(
    {
        *("SEED", "KERNEL", "FRUIT", "LEAF", "FLOWER", "PEEL", "ROOT", "BARK"),
        *("STEM", "WOOD", "BUD", "HERB", "RHIZOME", "TUBER", "BULB", "SPROUT"),
        *("PULP", "BERRY", "TWIG", "NEEDLE", "CONE", "BRANCH", "SHOOT", "HUSK"),
        *("SHELL", "BRAN", "GERM", "SAP", "RESIN", "MUSHROOM", "THALLUS"),
    }
)
_PRESSED = frozenset(["SEED", "KERNEL", "FRUIT", "PULP", "BRAN", "GERM"])
# Forms a composed name may end with (CERA and WAX are named case by case in CosIng).
_COMPOSED_FORMS = frozenset(["OIL", "EXTRACT", "WATER", "JUICE", "BUTTER", "POWDER"])


@lru_cache(maxsize=1024)
def _attested_parts(binomial: str) -> frozenset[str]:
    """The plant parts CosIng names for 'GENUS SPECIES' anywhere, mixtures included
    ('CINNAMOMUM CASSIA BARK/ZIZIPHUS JUJUBA FRUIT/... EXTRACT' attests ZIZIPHUS JUJUBA FRUIT)."""
    # ... and parts joined by slashes ("TANACETUM ANNUUM FLOWER/LEAF/STEM OIL": its leaf too)
    after = re.compile(rf"(?<![A-Z]){re.escape(binomial)} ([A-Z]+(?:/[A-Z]+)*)")
    found = {
        part
        for name in data.inventory().names
        if binomial in name
        for m in after.finditer(name)
        for part in m[1].split("/")
    }
    return frozenset(found) & PARTS


@lru_cache(maxsize=4096)
def compose(key: str) -> str | None:
    """A plant material named by the INCI convention 'GENUS SPECIES PART FORM' that the 2020
    CosIng inventory does not list yet ('Ziziphus Jujuba Fruit Extract', 'Rubus Fruticosus Seed
    Oil'): read as printed when CosIng knows the plant and the name carries every caution flag
    of the plant's other names of that form. An oil needs the part named for that plant in
    CosIng somewhere, and an oil of any part but a pressed one must be flagged an essential oil
    by the name's own rules."""
    words = key.split(" ")
    if not 4 <= len(words) <= 5 or not all(w.replace("-", "").isalpha() for w in words):
        return None
    binomial, parts, form = f"{words[0]} {words[1]}", words[2:-1], words[-1]
    if form not in _COMPOSED_FORMS or not all(p in PARTS for p in parts):
        return None
    joined = _by_binomial().get(binomial)
    if not joined or key in data.inventory().names:
        return None
    if not _attested_parts(binomial) and not any(f"{binomial} {f}" in joined for f in FORMS):
        return None  # not a plant ("SODIUM HYALURONATE CROSSPOLYMER" starts no plant name)
    if form == "OIL" and parts[0] not in _attested_parts(binomial):
        return None  # an oil only of a part CosIng names: its part decides what oil it is
    flags = caution_flags(key)
    if form == "OIL" and parts[-1] not in _PRESSED and "essential_oil" not in flags:
        return None
    same_form = [n for n in joined.split("\t") if n.endswith(f" {form}")]
    every = frozenset().union(*(caution_flags(n) for n in same_form))
    if flags >= every:
        return key
    # "Mentha Piperita (Peppermint) Leaf Oil": the composed oil lacks a flag of the plant's
    # other oils (MENTHA PIPERITA OIL is a fragrance allergen too); the plant's part-less oil,
    # when it carries every such flag, is read instead (never a lower verdict; left unknown,
    # the essential oil was not flagged at all).
    partless = f"{binomial} {form}"
    if form != "OIL" or partless not in same_form or not caution_flags(partless) >= every:
        return None  # (an extract of another part is another extract: left unknown)
    return partless


# "Rosa Spp.", "Rosa sp", "Rosa Species": the genus, several (or one unnamed) of its species.
_SPECIES_OF = re.compile(r"^([A-Z]+) (?:SPP?|SPECIES)\.?(?= |$)")


def generic_of_genus(key: str) -> str | None:
    """'ROSA SPP' alone -> 'ROSE': the generic word of the genus' CosIng names, if data has one."""
    found = _SPECIES_OF.match(key)
    return data.genus_generics().get(found[1]) if found and found.end() == len(key) else None


@lru_cache(maxsize=1024)
def genus_generic(key: str) -> str | None:
    """'ROSA SPP FLOWER OIL' -> ROSE FLOWER OIL: a genus printed with 'spp.', read as CosIng's
    generic name of that genus' material (data: genera) with the printed part and form; a bare
    'ROSA SPP' as the generic EXTRACT, judged against every form of every species but the oils
    and powders (as guess() judges a bare binomial). Only when the generic name carries every
    caution flag of the species' names it stands for: it never lowers a verdict."""
    found = _SPECIES_OF.match(key)
    generic = data.genus_generics().get(found[1]) if found else None
    if found is None or generic is None:
        return None
    rest = key[found.end() :].split()
    name = " ".join([generic, *rest]) if rest else f"{generic} EXTRACT"
    if name not in data.inventory().names:
        return None
    species = [b for b in binomials() if b.startswith(f"{found[1]} ")]
    forms = [n for b in species for n in _by_binomial()[b].split("\t")]
    if rest:
        pool = [n for b in species for n in forms if n == " ".join([b, *rest])]
    else:
        pool = [n for n in forms if n.rsplit(" ", 1)[-1] not in _PRINTED_FORMS]
    every = frozenset().union(*(caution_flags(n) for n in pool))
    return name if caution_flags(name) >= every else None


_SEED_OR_KERNEL = {"SEED": "KERNEL", "KERNEL": "SEED"}


@lru_cache(maxsize=4096)
def without_part(key: str) -> str | None:
    """'Butyrospermum Parkii Seed Butter' -> BUTYROSPERMUM PARKII BUTTER, 'Camellia Sinensis Leaf
    Polyphenols' -> CAMELLIA SINENSIS POLYPHENOLS, 'Sclerocarya Birrea Kernel Oil' -> ... SEED
    OIL: a plant part printed where CosIng names none (or the seed called its kernel): the
    seed, or a part CosIng names for the plant elsewhere (another is composed). Only the
    one such name of the plant, and only when every name of the plant with that form carries
    the same caution flags: the part could never make a flag differ (ROSA MOSCHATA OIL, an
    essential oil, is never read for a seed or fruit oil)."""
    words = key.split(" ")
    if not 4 <= len(words) <= 6 or not all(w.isalpha() for w in words):
        return None
    joined = _by_binomial().get(f"{words[0]} {words[1]}")
    if not joined or key in data.inventory().names:
        return None
    names = joined.split("\t")
    found: list[tuple[str, str]] = []  # (reading, the part read away)
    for at in range(2, len(words) - 1):
        if words[at] not in PARTS:
            continue
        readings = [words[:at] + words[at + 1 :]]
        if words[at] in _SEED_OR_KERNEL:
            readings.append([*words[:at], _SEED_OR_KERNEL[words[at]], *words[at + 1 :]])
        found += [(" ".join(r), words[at]) for r in readings if " ".join(r) in names]
    if len(found) != 1:
        return None
    name, part = found[0]
    # (the attested parts only now: finding them searches the inventory)
    if part not in _SEED_OR_KERNEL and part not in _attested_parts(f"{words[0]} {words[1]}"):
        return None  # a part CosIng never names for the plant: read as printed by compose()
    flags = caution_flags(name)
    same_form = [n for n in names if n.endswith(f" {words[-1]}")]
    return name if all(caution_flags(n) == flags for n in same_form) else None
