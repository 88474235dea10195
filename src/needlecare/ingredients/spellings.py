"""Label spellings that differ from the INCI name by a systematic transformation, each tried
after the literal name: British spellings ("Sodium Laureth Sulphate", "Aluminium", "Colour",
"Fibre", "Hydrolysed"), a salt named by its acid ("Sodium Hyaluronic Acid", "Lactic Acid Sodium
Salt"), the pharmacopoeia's "Hydrochloride" and "Mononitrate" for INCI's "HCl" and "Nitrate",
"Anhydrous", the stereo prefix of vitamin E ("d-Alpha Tocopheryl Succinate"), the form first
("Extract of Green Tea"), and a vitamin's letter for the stem of its esters ("Vitamin E
Succinate": TOCOPHERYL SUCCINATE; data: vitamin_stems in aliases.toml).

Each yields a spelling only; the caller reads it like any printed name (it must be a known
name), so a transformation never makes a name up."""

from __future__ import annotations

import re
from collections.abc import Iterator

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


def respellings(key: str) -> Iterator[str]:
    """The other spellings of a printed name (an upper-case key), most literal first."""
    british = key
    for pattern, us in _BRITISH:
        british = pattern.sub(us, british)
    if british != key:
        yield british
    salt = _CATION_ACID.match(key)
    if salt:
        yield f"{salt[1]} {salt[2]}ATE"
    salt = _ACID_SALT.match(key)
    if salt:
        yield f"{salt[2]} {salt[1]}ATE"
    for pattern, inci in _SALT_WORDS:
        if pattern.search(key):
            yield pattern.sub(inci, key)
    if _ANHYDROUS.search(key):
        yield _ANHYDROUS.sub("", key)
    if _ALPHA_TOCOPHEROL.match(key):
        yield _ALPHA_TOCOPHEROL.sub("", key)
    form_first = _FORM_FIRST.match(key)
    if form_first:
        yield f"{form_first[2]} {form_first[1]}"
    if key.startswith("VITAMIN "):
        yield from _vitamin_ester(key)


def _vitamin_ester(key: str) -> Iterator[str]:
    """'Vitamin A Propionate' -> RETINYL PROPIONATE, 'Vitamin C Palmitate' -> ASCORBYL
    PALMITATE: the vitamin's letter, then the rest of an ester's INCI name."""
    words = key.split(" ")
    if len(words) < 3:
        return
    stem = data.vitamin_stems().get(f"{words[0]} {words[1]}")
    if stem is not None:
        yield " ".join([stem, *words[2:]])
