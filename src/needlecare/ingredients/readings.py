"""The readings of one printed name, most literal first: without decoration (qualifiers,
brackets, grades, OCR slips, pharmacopoeia suffixes), with its synonym in brackets, with older
or common botanical names mapped, with a plant part guessed. Each with a confidence penalty."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from needlecare.ingredients import data, plants
from needlecare.ingredients.recognition import lookup
from needlecare.ingredients.spellings import respellings
from needlecare.ingredients.text import SOFT_HYPHEN, loose_key, name_key, ocr_variant

_QUALIFIERS = re.compile(
    r"(?i)\b(?:certified\s+organic|organic|org\.|bio|natural|naturally\s+derived|wild[- ]crafted"
    r"|cold[- ]pressed|virgin|extra\s+virgin|refined|unrefined|vegetable|plant[- ]derived"
    r"|non[- ]?gmo|fair\s?trade|pure|100\s*(?:%|percent)"
    # how a material is delivered, not what it is ("Encapsulated Retinol" is RETINOL)
    r"|(?:micro)?encapsulated|liposomal|stabili[sz]ed|microni[sz]ed"
    # the source or the grade before a name: "Olive-Derived Squalane", "Plant Based Glycerin",
    # "Low Molecular Weight Hyaluronic Acid" (INCI names neither)
    r"|[a-z]+-(?:derived|based)|plant\s+based"
    r"|(?:(?:low|high|multi|ultra[- ]low)[- ])?molecular[- ]weight)\b"
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
    r"^(?:(?:EXT\.? )?D&C |FD&C )?(RED|YELLOW|BLUE|GREEN|ORANGE|VIOLET|BROWN|BLACK)"
    r" (?:NO\.? ?)?(\d{1,2})"
    r"(?: (?:ALUMINUM|ALUMINIUM|AL|CALCIUM|CA|BARIUM|BA|STRONTIUM|SR|ZIRCONIUM|ZR|POTASSIUM|TALC))?"
    r"(?: LAKE)?$"
)
_TRAILING_PURPOSE = re.compile(
    r" (?:SUNSCREEN|SKIN PROTECTANT|ACNE (?:TREATMENT|MEDICATION)|ANTI-?ITCH|ANTISEPTIC"
    r"|ANTIPERSPIRANT|ANTIDANDRUFF|ANALGESIC)$"
)
_NAMED_CI = re.compile(r"^(.*\S) (CI \d{5})$")
BRACKETS = re.compile(r"\s*[(\[{][^()\[\]{}]*[)\]}]\s*")
BRACKET_CONTENT = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_GRADE = re.compile(r"\s+\d{2,4}$")
# "Retinol 0.3": a strength printed after the name without its % sign (no INCI name ends with
# a decimal number).
BARE_STRENGTH = re.compile(r" \d{0,2}\.\d{1,3}$")
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
_PETAL = re.compile(r"\bPETALS?(?= (?:OIL|EXTRACT|WATER|POWDER)$)")
_BEAN = re.compile(r"\bBEAN(?= (?:OIL|EXTRACT|POWDER|BUTTER)$)")
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
# "Vitamin D3 (as Cholecalciferol)", "Zinc (as Zinc Gluconate)": a nutrient, then in brackets
# the ingredient it is present as (supplement facts panels).
_AS_FORM = re.compile(r"^(.+?) ?\(AS ([^()]+)\)$")
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


def candidates(key: str) -> Iterator[tuple[str, float]]:
    """Readings of one printed name, most literal first, with a small confidence penalty."""
    yield key, 0.0
    if _LEADING_AND.match(key):
        yield from candidates(_LEADING_AND.sub("", key))
        return
    if _AUTHORITY.match(key):
        yield from candidates(_AUTHORITY.sub(r"\1", key))
        return
    as_form = _AS_FORM.match(key)
    if as_form:  # "Zinc (as Zinc Citrate)": the form the nutrient is in, as any name is read
        form = next((r for r, _ in candidates(as_form[2]) if lookup(r) is not None), None)
        if form is not None:  # ("Thiamin (as Thiamine Mononitrate)": THIAMINE NITRATE)
            yield form, 0.0
    full = _FULL_NAME_IN_BRACKETS.match(key)
    if full and name_key(full[2]).startswith(name_key(full[1])):
        yield from candidates(name_key(full[2]))
        return
    if SOFT_HYPHEN in key:
        yield key.replace(SOFT_HYPHEN, ""), 0.0
        yield key.replace(SOFT_HYPHEN, "-"), 0.0
    plain = name_key(_QUALIFIERS.sub(" ", key))
    if plain and plain != key:
        yield plain, 0.0
    no_brackets = name_key(BRACKETS.sub(" ", plain or key))
    if no_brackets and no_brackets != key:
        yield no_brackets, 0.0  # Simmondsia Chinensis (Jojoba) Seed Oil
    # "Brassica Oleracea (Kale) Leaf Extract": the common name in brackets says which variety
    # (KALE = BRASSICA OLERACEA ACEPHALA); read with that longer binomial, the part kept.
    printed = (no_brackets or key).split(" ")
    for content in BRACKET_CONTENT.findall(key) if len(printed) > 2 else ():
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
    for content in BRACKET_CONTENT.findall(key) if ends_with_bracket else ():
        for part in re.split(r"[,/;]", content):
            if name_key(part):
                yield name_key(part), 0.02  # "(Aqua)": a synonym in brackets
    # "Red Raspberry Seed Oil (Rubus Idaeus)", "Tangerine (Citrus Tangerina) Oil": a common name,
    # the binomial in brackets, the plant part before or after it: the binomial and that part.
    contents = BRACKET_CONTENT.findall(key)
    if len(contents) == 1 and outer:
        binomial = name_key(_QUALIFIERS.sub(" ", contents[0]))
        tail = name_key(re.split(r"[)\]}]", key)[-1]).split()
        if binomial in _binomial_set() and set(tail) <= _PART_WORDS | {"ESSENTIAL"}:
            words = name_key(_QUALIFIERS.sub(" ", outer)).split(" ")
            cut = len(words)
            while cut > 0 and words[cut - 1] in _PART_WORDS:
                cut -= 1
            if cut < len(words) or tail:
                for reading, penalty in candidates(" ".join([binomial, *words[cut:], *tail])):
                    yield reading, penalty + 0.02
    grade = _GRADE.sub("", no_brackets or key)
    if grade != (no_brackets or key):
        yield grade, 0.05  # "Carbomer 940": a supplier grade after the INCI name
    strength = BARE_STRENGTH.sub("", no_brackets or key)
    if strength != (no_brackets or key):
        yield from candidates(strength)
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
    if named_ci and _is_colour(named_ci[1]):
        yield named_ci[2], 0.0  # "Iron Oxides CI 77491": the number says which one
        yield named_ci[1], 0.0  # "Mica CI 77019": CosIng lists the colour by its name only
    for base in dict.fromkeys((no_brackets or key, outer if ends_with_bracket else "")):
        if not base:
            continue
        yield from _botanical_readings(base, guess=base == (no_brackets or key))
    if _OCTYL.search(no_brackets or key):
        yield _OCTYL.sub("ETHYLHEXYL", no_brackets or key), 0.0
    for base in dict.fromkeys((no_brackets or key, key)):
        if _STEREO.search(base):
            yield from candidates(name_key(_STEREO.sub("", base)))
            break
    cas = _CAS_SUFFIX.match(no_brackets or key)
    if cas and _cas_check_digit(cas[2] + cas[3]) == int(cas[4]):
        yield from candidates(cas[1])
    if _RANK.match(no_brackets or key):
        yield from candidates(_RANK.sub(r"\1 ", no_brackets or key))
    # "Pentaclethra Macroloba Oil": the plant part left out (never guessed from a truncation).
    guessed = plants.guess(no_brackets or key)
    if guessed is not None:
        yield guessed, plants.guess_penalty(no_brackets or key)
    partless = plants.without_part(no_brackets or key)
    if partless is not None:  # "Butyrospermum Parkii Seed Butter": CosIng names no part
        yield partless, 0.05
    if _ESSENTIAL_OIL.search(no_brackets or key):
        # Read as "... OIL" only if that name is flagged an essential oil: never lower a verdict.
        for oil, penalty in candidates(_ESSENTIAL_OIL.sub(" OIL", no_brackets or key)):
            found = lookup(oil)
            if found and all("essential_oil" in plants.caution_flags(n) for n in found[0]):
                yield oil, penalty
                break
    base = no_brackets or key
    acid = _SYSTEMATIC_ACID.sub(lambda m: _TRIVIAL_ACID[m[1]], base)
    if acid != base:
        yield acid, 0.0
    if "/" in base and not base.endswith("POLYMER"):
        # "Dimethylacrylamide/Acrylic Acid/Polystyrene Ethyl Methacrylate": a copolymer named
        # by its monomers, the word COPOLYMER (or CROSSPOLYMER) left off; only when one is known.
        polymers = [f"{base} {p}" for p in ("COPOLYMER", "CROSSPOLYMER")]
        known = [p for p in polymers if p in data.inventory().names]
        if len(known) == 1:
            yield known[0], 0.05
    # "C12-15 Alkyl Benzoates", "Hydrogenated Palm Glyceride": the last word in the other
    # number; read so only when that spells a CosIng name as printed otherwise.
    if len(base.rsplit(" ", 1)[-1]) >= 5 and base[-1:].isalpha():
        other = base[:-1] if base.endswith("S") and not base.endswith("SS") else f"{base}S"
        if other in data.inventory().names:
            yield other, 0.02
    if base.endswith(" CHELATE"):  # "Zinc Glycinate Chelate": the salt is a chelate
        yield base.removesuffix(" CHELATE"), 0.0
    if base.endswith(" COMPLEX"):
        # "Glycolic Acid Complex", "Retinol Complex": a blend named by its active, read as that
        # active (its flags) with a guess's confidence: the rest of the blend is unnamed.
        yield base.removesuffix(" COMPLEX"), 0.15
    if _HYDRATE.search(base):
        yield _HYDRATE.sub("", base), 0.0
    if _ZERO_FOR_O.search(base):
        yield _ZERO_FOR_O.sub("-O-", base), 0.02
    if _POWDER_EXTRACT.search(base):  # "Vitis Vinifera Seed Powder Extract": the seed's extract
        yield _POWDER_EXTRACT.sub(r" \1 EXTRACT", base), 0.02
    if _BERRY.search(base):
        yield from candidates(_BERRY.sub("FRUIT", base))
    if "PETAL" in base and _PETAL.search(
        base
    ):  # "Rose Petal Extract": INCI names the petals the FLOWER
        yield from candidates(_PETAL.sub("FLOWER", base))
    if "BEAN" in base and _BEAN.search(
        base
    ):  # "Coffee Bean Extract", "Vanilla Bean Extract": its seed or fruit
        yield from candidates(_BEAN.sub("SEED", base))
        yield from candidates(_BEAN.sub("FRUIT", base))
    if _PLURAL_PART.search(base):  # "Green Tea Leaves Extract": INCI names a part singular
        yield from candidates(_PLURAL_PART.sub(lambda m: _SINGULAR[m[1]], base))
    unbracketed = _without_common_name(base)
    # (never the same words again, never more of them: no loop)
    if unbracketed not in (None, base) and len(unbracketed.split()) <= len(base.split()):
        yield from candidates(unbracketed)
    for respelt in respellings(base):  # "Sodium Laureth Sulphate", "Extract of Green Tea"
        yield from candidates(respelt)
    if _NUT.search(no_brackets or key):  # or no part at all: "Shea Nut Butter" -> BUTTER
        yield from candidates(_NUT.sub("SEED", no_brackets or key))
        yield from candidates(name_key(_NUT.sub("", no_brackets or key)))


# "Vitis Vinifera (Grape) Seed Powder Extract": an extract made from the powdered part is that
# part's extract (an extract, never the powder: no scrub particles).
_POWDER_EXTRACT = re.compile(r" (SEED|KERNEL|FRUIT|LEAF|ROOT|BARK|PEEL|FLOWER) POWDER EXTRACT$")

_SINGULAR = {
    "LEAVES": "LEAF",
    "FLOWERS": "FLOWER",
    "SEEDS": "SEED",
    "ROOTS": "ROOT",
    "FRUITS": "FRUIT",
    "KERNELS": "KERNEL",
    "BUDS": "BUD",
    "STEMS": "STEM",
    "TWIGS": "TWIG",
    "PETALS": "PETAL",
}
_PLURAL_PART = re.compile(r"\b(" + "|".join(_SINGULAR) + r")\b(?= )")


def _without_common_name(key: str) -> str | None:
    """'Helianthus Annuus Sunflower Seed Oil': a binomial, then its own common name without the
    brackets (scraped lists lose them). Read without those words only when the common name maps
    to that very binomial (aliases.toml), so that no other plant is dropped."""
    words = key.split(" ")
    if len(words) < 4 or f"{words[0]} {words[1]}" not in _binomial_set():
        return None
    prefixes = data.botanical_prefixes()
    for start in (3, 2):  # "Citrus Aurantium Dulcis Orange Peel Oil": a three-word binomial
        plant = " ".join(words[:start])
        for size in (3, 2, 1):
            if len(words) - start - size < 1:
                continue
            common = prefixes.get(" ".join(words[start : start + size]))
            if common is not None and (common == plant or common.startswith(f"{plant} ")):
                return " ".join([common, *words[start + size :]])
    return None


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
        leading = " ".join(words[:size])
        binomial = prefixes.get(leading)
        if binomial is None and size == 1 and _ONE_WORD.fullmatch(leading):
            # "Sea-Buckthorn", "Passionfruit", "Camu-Camu": a common name hyphenated or joined
            # (one printed word only: "Grape Fruit" is the grape's fruit, not GRAPEFRUIT)
            binomial = _loose_prefixes().get(loose_key(leading))
        if binomial is not None:
            rest = words[size:]
            if rest and rest[0] in _PART_WORDS and binomial.endswith(f" {rest[0]}"):
                # "Neroli Flower Oil": NEROLI is the flower already
                rest = rest[1:]
            reading = " ".join([binomial, *rest])
            yield reading, 0.0
            guessed = plants.guess(reading) if guess else None
            if guessed is not None:
                yield guessed, plants.guess_penalty(reading)
            return


_ONE_WORD = re.compile(r"[A-Z]+(?:-[A-Z]+)*")


@cache
def _loose_prefixes() -> dict[str, str]:
    return {loose_key(name): binomial for name, binomial in data.botanical_prefixes().items()}


def _is_colour(name: str) -> bool:
    """Is the name before a Colour Index number a colour ("Iron Oxides", "Mica", "Carmine")?
    Another name there ("Aqua CI 77491": two lines of a list joined) is a name of its own,
    never dropped for the number."""
    found = lookup(name)
    return found is not None and all(
        n.startswith("CI ") or "Colorant" in data.inventory().functions_of(n) for n in found[0]
    )
