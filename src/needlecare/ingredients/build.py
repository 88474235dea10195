"""Build the compact packaged data from the CosIng exports (pure: text in, documents out).

The CLI command `needlecare ingredients-build-data` reads the CSV files and writes the results
into `needlecare/ingredients/data/`; a test rebuilds them from `shared/data/cosing/` and checks
that the shipped copies are in sync.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from typing import Any

from needlecare.ingredients.text import loose_key, name_key

ATTRIBUTION = (
    "Contains information from the European Commission CosIng database "
    "(Regulation (EC) No 1223/2009), reused under CC BY 4.0."
)
INVENTORY_SOURCE = (
    "CosIng ingredient inventory (archived 2020-12-30), as converted in sohab117/inci-cas-builder "
    "data/cosing.csv (commit c457a8e): names upper-cased, functions title-cased."
)
ADDITIONS = "inventory_additions.toml"
ADDITIONS_SOURCE = (
    "; with the INCI names of CosIng that this snapshot lacks, as BEAUTEE's Cosmetic Ingredients "
    "Dataset Lite lists them with their CosIng substance ids (beauteeru/cosmetic-ingredients-"
    "dataset, ingredients.csv, commit ad1d9af, MIT licence): see inventory_additions.toml."
)
ANNEX_SOURCE = "CosIng Annexes III and VI, official export (Commission last update 28/08/2026)."
MINERAL_UV_FILTERS = ("TITANIUM DIOXIDE", "ZINC OXIDE")  # the two inorganic Annex VI filters
# Annex III entries whose label wording is the leave-on 0.001 % threshold: fragrance allergens.
_ALLERGEN_THRESHOLD = re.compile(r"0[.,]001\s*%")


def build_inventory(csv_text: str, additions_toml: str = "") -> dict[str, Any]:
    """CosIng names with their function indices; plus the names of `additions_toml`
    (inventory_additions.toml), which carry no function."""
    functions: dict[str, int] = {}
    names: dict[str, list[int]] = {}
    for row in csv.DictReader(io.StringIO(csv_text)):
        name = name_key(row["inci_name"])
        if not name:
            continue
        codes = names.setdefault(name, [])
        for function in filter(None, (f.strip() for f in row["function"].split(","))):
            code = functions.setdefault(function, len(functions))
            if code not in codes:
                codes.append(code)
    added = additions(additions_toml, names) if additions_toml else []
    for name in added:
        names[name] = []
    return {
        "attribution": ATTRIBUTION,
        "source": INVENTORY_SOURCE + (ADDITIONS_SOURCE if added else ""),
        "functions": list(functions),
        "names": dict(sorted(names.items())),
    }


def additions(toml_text: str, snapshot: dict[str, list[int]]) -> list[str]:
    """The names of inventory_additions.toml, refused when the snapshot has the name or its
    spelling-insensitive key (a second name with one key makes the key ambiguous: the loose
    index then drops it, and a spelling the checker reads today would be lost)."""
    keys = {loose_key(name) for name in snapshot}
    found: list[str] = []
    for entry in tomllib.loads(toml_text)["names"]:
        name = name_key(entry["name"])
        if name != entry["name"]:
            raise ValueError(f"{ADDITIONS}: {entry['name']!r} is not written as {name!r}")
        if name in snapshot or loose_key(name) in keys or name in found:
            raise ValueError(f"{ADDITIONS}: {name!r} is already known (or a spelling of it)")
        found.append(name)
    return found


def _annex_rows(csv_text: str) -> list[dict[str, str]]:
    lines = list(csv.reader(io.StringIO(csv_text)))
    start = next(i for i, line in enumerate(lines) if line and line[0] == "Reference Number")
    header = lines[start]
    return [dict(zip(header, line, strict=False)) for line in lines[start + 1 :] if line]


def _identified_names(row: dict[str, str], known: set[str]) -> list[str]:
    identified = row.get("Identified INGREDIENTS or substances e.g.", "")
    glossary = row.get("Name of Common Ingredients Glossary", "")
    # The glossary cell sometimes holds a chemical name with commas: use it only when nothing
    # is identified, and split it only at semicolons and " / ".
    cells = [(identified, r"[,;]| / ")] if identified.strip() else [(glossary, r";| / ")]
    found: list[str] = []
    for cell, separators in cells:
        for part in re.split(separators, cell):
            name = name_key(re.sub(r"\(NANO\)", "", part, flags=re.IGNORECASE))
            if name in known and name not in found:
                found.append(name)
    return found


def build_annexes(annex_iii_csv: str, annex_vi_csv: str, known: set[str]) -> dict[str, Any]:
    """UV filters of Annex VI (mineral or not) and the labelled fragrance allergens of Annex III.

    Only names that are INCI names of the inventory (`known`) are kept: the annex cells also
    hold chemical names and fragments.
    """
    uv: dict[str, dict[str, Any]] = {}
    for row in _annex_rows(annex_vi_csv):
        for name in _identified_names(row, known):
            uv.setdefault(
                name, {"entry": row["Reference Number"], "mineral": name in MINERAL_UV_FILTERS}
            )
    allergens: dict[str, str] = {}
    for row in _annex_rows(annex_iii_csv):
        wording = " ".join(
            (row.get("Other", ""), row.get("Wording of conditions of use and warnings", ""))
        )
        if _ALLERGEN_THRESHOLD.search(wording):
            for name in _identified_names(row, known):
                allergens.setdefault(name, row["Reference Number"])
    return {
        "attribution": ATTRIBUTION,
        "source": ANNEX_SOURCE,
        "uv_filters": dict(sorted(uv.items())),
        "fragrance_allergens": dict(sorted(allergens.items())),
    }


def serialise(document: dict[str, Any]) -> str:
    """The exact text shipped in data/ (stable, so the sync test can compare)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def build_loose(names: list[str], source: str = INVENTORY_SOURCE) -> dict[str, Any]:
    """Spelling-insensitive key of each inventory name, in the inventory's (sorted) order.

    Precomputed because building it at run time costs ~0.2 s. A key shared by two different
    names is ambiguous and stored as "" (never used).
    """
    keys = [loose_key(name) for name in names]
    owners: dict[str, set[str]] = {}
    for key, name in zip(keys, names, strict=True):
        owners.setdefault(key, set()).add(name)
    return {
        "attribution": ATTRIBUTION,
        "source": source,
        "keys": [key if len(owners[key]) == 1 else "" for key in keys],
    }


def build_all(
    inventory_csv: str, annex_iii_csv: str, annex_vi_csv: str, *, additions_toml: str = ""
) -> dict[str, str]:
    """File name -> text for every built data file."""
    inventory = build_inventory(inventory_csv, additions_toml)
    annexes = build_annexes(annex_iii_csv, annex_vi_csv, set(inventory["names"]))
    loose = build_loose(list(inventory["names"]), inventory["source"])
    return {
        "inventory.json": serialise(inventory),
        "annexes.json": serialise(annexes),
        "loose.json": serialise(loose),
    }


COMPILED_TOML = "compiled_toml.json"
TOML_FILES = ("aliases.toml", "flags.toml", "comedogenic.toml")


def build_compiled_toml(sources: dict[str, str]) -> str:
    """The TOML data files parsed once, with their exact source text: a process reads this
    JSON (fast) and uses a document only while its source text is unchanged, else it parses the
    TOML itself. The TOML files stay the one place where this data is written and cited."""
    document = {
        "about": "Parsed copies of " + ", ".join(sorted(sources)) + " (start-up speed only)",
        "files": {
            name: {"source": text, "document": tomllib.loads(text)}
            for name, text in sorted(sources.items())
        },
    }
    # Key order is kept (not sorted): the order of tables is data (the flag vocabulary order).
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def flag_patterns(flags_document: dict[str, Any]) -> list[str]:
    """Every regular expression of data/flags.toml (the compiled index keeps their matches)."""
    return [p for rule in flags_document["rules"] for p in rule.get("patterns", [])]
