"""Packaged ingredient data, loaded lazily once per process.

Read from the package directory itself when the package is installed as files (the usual
case; `importlib.resources` costs a few ms of imports at every start of the one-shot CLI),
through importlib.resources otherwise (a zipped install).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from needlecare.ingredients.text import loose_key, name_key

PACKAGE = "needlecare.ingredients"
DATA_FILES = (
    "inventory.json",
    "annexes.json",
    "loose.json",
    "aliases.toml",
    "flags.toml",
    "comedogenic.toml",
    "compiled_toml.json",
)


_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def read_data(name: str) -> bytes:
    try:
        with open(os.path.join(_DATA_DIR, name), "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        if os.path.isdir(_DATA_DIR):
            raise  # installed as files: the data file really is missing
    from importlib import resources

    return resources.files(PACKAGE).joinpath("data", name).read_bytes()


def _json(name: str) -> Any:
    try:
        import orjson  # fast path; a dependency, but the package must also load without it

        return orjson.loads(read_data(name))
    except ImportError:  # pragma: no cover
        import json

        return json.loads(read_data(name))


def document(name: str) -> Any:
    """A data file as parsed JSON/TOML (for the schema tests and the build check)."""
    if name.endswith(".json"):
        return _json(name)
    source = read_data(name).decode("utf-8")
    compiled = _compiled_toml().get(name)
    if compiled is not None and compiled["source"] == source:
        return compiled["document"]  # parsed at build time; tomllib costs ~20 ms per process
    import tomllib  # only when the compiled copy is missing or stale

    return tomllib.loads(source)


@cache
def _compiled_toml() -> dict[str, Any]:
    try:
        files: dict[str, Any] = _json("compiled_toml.json")["files"]
    except FileNotFoundError:
        return {}
    return files


@dataclass(frozen=True)
class Inventory:
    names: dict[str, list[int]]  # CosIng name -> indices into functions
    functions: list[str]

    def functions_of(self, name: str) -> tuple[str, ...]:
        return tuple(self.functions[i] for i in self.names.get(name, ()))


@cache
def inventory() -> Inventory:
    raw = _json("inventory.json")
    return Inventory(raw["names"], raw["functions"])


@cache
def loose_index() -> dict[str, str]:
    """Spelling-insensitive keys of every known name; ambiguous keys are left out.

    The CosIng part is precomputed in loose.json; drug and alias names are added here.
    """
    keys: list[str] = _json("loose.json")["keys"]
    found: dict[str, str | None] = {k: n for k, n in zip(keys, inventory().names, strict=True) if k}
    for name in [*drug_names(), *aliases()]:
        key = loose_key(name)
        if not key:
            continue
        found[key] = None if key in found and found[key] != name else name
    return {key: name for key, name in found.items() if name is not None}


@cache
def _aliases_document() -> dict[str, Any]:
    return document("aliases.toml")


@cache
def aliases() -> dict[str, tuple[str, ...]]:
    """Label name -> the name(s) NeedleCare reports; includes drug-name synonyms."""
    doc = _aliases_document()
    found: dict[str, tuple[str, ...]] = {}
    for group in doc["groups"]:
        for label_name, target in group["names"].items():
            targets = (target,) if isinstance(target, str) else tuple(target)
            found[name_key(label_name)] = targets
    for drug, entry in doc["drugs"].items():
        for synonym in entry["aliases"]:
            found[name_key(synonym)] = (drug,)
    return found


@cache
def botanical_prefixes() -> dict[str, str]:
    """Leading words of a printed plant name -> the CosIng binomial (legacy, synonym, common)."""
    found: dict[str, str] = {}
    for group in _aliases_document().get("botanicals", []):
        for label_name, binomial in group["names"].items():
            found[name_key(label_name)] = binomial
    return found


@cache
def drug_names() -> frozenset[str]:
    return frozenset(_aliases_document()["drugs"])


@cache
def annexes() -> dict[str, Any]:
    return _json("annexes.json")


@cache
def flags_document() -> dict[str, Any]:
    return document("flags.toml")


@cache
def comedogenic_document() -> dict[str, Any]:
    return document("comedogenic.toml")


@cache
def fuzzy_choices() -> list[str]:
    return sorted({*inventory().names, *drug_names(), *aliases()})
