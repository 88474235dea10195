"""Label spellings that differ from the INCI name by a systematic transformation, each tried
after the literal name: British spellings ("Sodium Laureth Sulphate", "Aluminium", "Colour",
"Fibre", "Hydrolysed"), a salt named by its acid ("Sodium Hyaluronic Acid", "Lactic Acid Sodium
Salt"), the pharmacopoeia's "Hydrochloride" and "Mononitrate" for INCI's "HCl" and "Nitrate",
"Anhydrous", the stereo prefix of vitamin E ("d-Alpha Tocopheryl Succinate"), the form first
("Extract of Green Tea"), a vitamin's letter for the stem of its esters ("Vitamin E
Succinate": TOCOPHERYL SUCCINATE; data: vitamin_stems in aliases.toml), a ferment without
the FILTRATE or LYSATE of its INCI name, water named by its source ("Eau Thermale"), and
USP-NF's "Polyoxyl N ..." for INCI's PEG-N and -ETH-N names.

Each yields a spelling only; the caller reads it like any printed name (it must be a known
name), so a transformation never makes a name up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from needlecare.ingredients import data

# INCI (and so CosIng) spells as US English; British labels print the same names otherwise.
_BRITISH = (
    (re.compile(r"SULPH"), "SULF"),  # SULPHATE, SULPHITE, SULPHOSUCCINATE, SULPHUR
    (re.compile(r"\bALUMINIUM\b"), "ALUMINUM"),
    (re.compile(r"COLOUR"), "COLOR"),
    (re.compile(r"\bFIBRE\b"), "FIBER"),
    # HYDROLYSED, MICRONISED, POLYMERISED, DEODORISED (a verb's participle in -ise/-yse)
    (re.compile(r"(?<=[A-Z]{2}[IY])S(?=ED\b)"), "Z"),
)
# The cations of INCI salt names ("SODIUM HYALURONATE", "DISODIUM PHOSPHATE").
_CATIONS = (
    r"(?:DI|TRI|TETRA)?(?:SODIUM|POTASSIUM)|CALCIUM|MAGNESIUM|ZINC|AMMONIUM|COPPER|LITHIUM"
    r"|ALUMINUM"
)
# "Sodium Hyaluronic Acid": the salt named by its cation and its acid (an -ic acid's anion is
# an -ate: hyaluronic -> hyaluronate, lactic -> lactate, ascorbic -> ascorbate).
_CATION_ACID = re.compile(rf"^({_CATIONS}) ([A-Z][A-Z -]*?)IC ACID$")
# "Lactic Acid Sodium Salt", "Ascorbic Acid, Sodium Salt": the chemical catalogue's name.
_ACID_SALT = re.compile(rf"^([A-Z][A-Z -]*?)IC ACID,? ({_CATIONS}) SALT$")
# The pharmacopoeias' (and supplement panels') salt words where INCI abbreviates or shortens:
# PYRIDOXINE HCL for "Pyridoxine Hydrochloride", THIAMINE NITRATE for "Thiamine Mononitrate".
_SALT_WORDS = (
    (re.compile(r"\bHYDROCHLORIDE$"), "HCL"),
    (re.compile(r"\bHYDROBROMIDE$"), "HBR"),
    (re.compile(r"\bMONONITRATE$"), "NITRATE"),
    # "Zinc Bisglycinate": INCI names a metal's glycine chelate ZINC GLYCINATE
    (re.compile(r"\bBISGLYCINATE$"), "GLYCINATE"),
)
# "Citric Acid Anhydrous", "Anhydrous Dextrose": INCI names the substance without its water
# content (the hydrates are read away in readings.py).
_ANHYDROUS = re.compile(r"^ANHYDROUS (?=\S)| ANHYDROUS$")
# "d-Alpha Tocopheryl Succinate", "dl-alpha-Tocopheryl Acetate": the form of vitamin E that
# INCI does not name (TOCOPHERYL SUCCINATE, TOCOPHERYL ACETATE).
_ALPHA_TOCOPHEROL = re.compile(r"^(?:(?:DL|D|ALL-RAC|RRR)-?)?ALPHA ?-?(?=TOCOPHER)")
# "Extract of Green Tea", "Leaf Extract of Rosemary", "Oil of Jojoba": the form named first.
_FORM_FIRST = re.compile(
    r"^((?:(?:LEAF|SEED|FLOWER|ROOT|FRUIT|BARK|PEEL|KERNEL|HERB) )?"
    r"(?:EXTRACT|OIL|ESSENTIAL OIL|JUICE|WATER|BUTTER|POWDER|FLOUR|WAX)) OF (?:THE )?(\S.*)$"
)


@lru_cache(maxsize=8192)
def respellings(key: str) -> tuple[str, ...]:
    """The other spellings of a printed name (an upper-case key), most literal first.

    Cached by key (a pure function of it; the splitter of glued names asks for many pieces),
    and each rule first tests for a word it needs (most names need none of them)."""
    found: list[str] = []
    if any(word in key for word in _BRITISH_WORDS):
        british = key
        for pattern, us in _BRITISH:
            british = pattern.sub(us, british)
        if british != key:
            found.append(british)
    if "IC ACID" in key:
        salt = _CATION_ACID.match(key)
        if salt:
            found.append(f"{salt[1]} {salt[2]}ATE")
        salt = _ACID_SALT.match(key)
        if salt:
            found.append(f"{salt[2]} {salt[1]}ATE")
    if key.endswith(_SALT_ENDINGS):
        found += [pattern.sub(inci, key) for pattern, inci in _SALT_WORDS if pattern.search(key)]
    if "ANHYDROUS" in key and _ANHYDROUS.search(key):
        found.append(_ANHYDROUS.sub("", key))
    if "TOCOPHER" in key and _ALPHA_TOCOPHEROL.match(key):
        found.append(_ALPHA_TOCOPHEROL.sub("", key))
    form_first = _FORM_FIRST.match(key) if " OF " in key else None
    if form_first:
        found.append(f"{form_first[2]} {form_first[1]}")
    if key.startswith("VITAMIN "):
        found += _vitamin_ester(key)
    if (key.endswith(" WATER") or key.startswith("EAU THERMALE")) and _SOURCE_WATER.match(key):
        found.append("AQUA")
    if key.startswith("POLYOXYL "):
        found += _polyoxyl(key)
    if "FERMENT" in key:
        ferment = _ferments_by_short_name().get(key)
        if ferment is not None:
            found.append(ferment)
    return tuple(found)


_BRITISH_WORDS = ("SULPH", "ALUMINIUM", "COLOUR", "FIBRE", "SED")
_SALT_ENDINGS = ("HYDROCHLORIDE", "HYDROBROMIDE", "MONONITRATE", "BISGLYCINATE")


@cache
def _ferments_by_short_name() -> dict[str, str]:
    """'Galactomyces Ferment', 'Bacillus/Folic Acid Ferment Extract': a ferment named without
    the FILTRATE or LYSATE of its INCI name (GALACTOMYCES FERMENT FILTRATE); read so only when
    one CosIng name is that name once they are left out (LACTOBACILLUS FERMENT is a name of
    its own; BIFIDA FERMENT would be a FILTRATE or a LYSATE: neither)."""
    found: dict[str, list[str]] = {}
    names = data.inventory().names
    for name in names:
        if " FERMENT" in name:
            short = _PROCESS.sub("", name)
            if short != name and short not in names:
                found.setdefault(short, []).append(name)
    return {short: full[0] for short, full in found.items() if len(full) == 1}


# "Eau Thermale Avène", "La Roche-Posay Prebiotic Thermal Water", "Hot Spring Water": water
# named by its source (and brand); its INCI name is AQUA (CosIng lists no such water).
_SOURCE_WATER = re.compile(
    r"^(?:.+ )?(?:THERMAL|SPRING|GLACIER|GLACIAL|VOLCANIC|MINERAL)(?: SPRING)? WATER$"
    r"|^EAU THERMALE(?: .+)?$"
)
_PROCESS = re.compile(r" (?:FILTRATE|LYSATE)\b")


# USP-NF names a polyethylene glycol ester or ether "Polyoxyl N ...", INCI "PEG-N ..." or, for
# the fatty-alcohol ethers, "<alcohol>ETH-N": "Polyoxyl 35 Castor Oil" is PEG-35 CASTOR OIL,
# "Polyoxyl 10 Oleyl Ether" OLETH-10, "Polyoxyl 20 Cetostearyl Ether" CETEARETH-20.
_POLYOXYL = re.compile(r"^POLYOXYL (\d+) (.+)$")
_POLYOXYL_ETHERS = {
    "STEARYL ETHER": "STEARETH",
    "OLEYL ETHER": "OLETH",
    "CETYL ETHER": "CETETH",
    "CETOSTEARYL ETHER": "CETEARETH",
    "LAURYL ETHER": "LAURETH",
}


def _polyoxyl(key: str) -> list[str]:
    found = _POLYOXYL.match(key)
    if found is None:
        return []
    ether = _POLYOXYL_ETHERS.get(found[2])
    return [f"{ether}-{found[1]}" if ether else f"PEG-{found[1]} {found[2]}"]


def _vitamin_ester(key: str) -> Iterator[str]:
    """'Vitamin A Propionate' -> RETINYL PROPIONATE, 'Vitamin C Palmitate' -> ASCORBYL
    PALMITATE: the vitamin's letter, then the rest of an ester's INCI name."""
    words = key.split(" ")
    if len(words) < 3:
        return
    stem = data.vitamin_stems().get(f"{words[0]} {words[1]}")
    if stem is not None:
        yield " ".join([stem, *words[2:]])
