"""Packaged ingredient data, loaded lazily once per process.

Read from the package directory itself when the package is installed as files (the usual
case; `importlib.resources` costs a few ms of imports at every start of the one-shot CLI),
through importlib.resources otherwise (a zipped install).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
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
    names: Mapping[str, Sequence[int]]  # CosIng name -> indices into functions
    functions: list[str]

    def functions_of(self, name: str) -> tuple[str, ...]:
        return tuple(self.functions[i] for i in self.names.get(name, ()))


@cache
def _index() -> dict[str, Any] | None:
    from needlecare.ingredients import index

    return index.load(read_data)


@cache
def inventory() -> Inventory:
    compiled = _index()
    if compiled is not None:
        from needlecare.ingredients.index import InventoryNames

        names = InventoryNames(compiled["order"], compiled["names"])
        return Inventory(names, compiled["functions"])
    raw = _json("inventory.json")
    return Inventory(raw["names"], raw["functions"])


def verified_source(name: str) -> list[int] | None:
    """[size, CRC-32] of a data file as the compiled index checked it when it was loaded, or
    None when the index is not in use or does not cover the file (a second check of the same
    file need not read it and compute its CRC again)."""
    compiled = _index()
    if compiled is None:
        return None
    found: list[int] | None = compiled["sources"].get(name)
    return found


def compiled_plants() -> dict[str, str] | None:
    """The plant names by binomial from the compiled index (plants.py), when it is in use."""
    compiled = _index()
    if compiled is None:
        return None
    from needlecare.ingredients.index import plants_of

    return plants_of(compiled["plants"])


def inventory_matches(pattern: str) -> list[str] | None:
    """The inventory names `pattern` matches (re.search), when the compiled index has them."""
    compiled = _index()
    if compiled is None or pattern not in compiled["matches"]:
        return None
    found: list[str] = compiled["matches"][pattern]
    return found


class LooseIndex(Mapping[str, str]):
    """Spelling-insensitive keys of every known name -> the name; ambiguous keys are left out.

    The CosIng part is precomputed (loose.json, or the compiled index); drug and alias names
    are added here. Looked up a key at a time: building the whole dict costs ~10 ms."""

    def __init__(self) -> None:
        compiled = _index()
        self._keys: Any = None
        self._plain: dict[str, str] | None = None
        if compiled is not None:
            from needlecare.ingredients.index import LooseKeys

            self._keys = LooseKeys(compiled["loose"])
        else:
            keys: list[str] = _json("loose.json")["keys"]
            self._plain = {k: n for k, n in zip(keys, inventory().names, strict=True) if k}
        # Drug and alias names by key, in order: a key shared with another name is ambiguous.
        self._overlay: dict[str, list[str]] = {}
        for name in [*drug_names(), *aliases()]:
            key = loose_key(name)
            if key:
                self._overlay.setdefault(key, []).append(name)

    def get(self, key: str, default: Any = None) -> Any:
        if self._plain is not None:
            present, found = key in self._plain, self._plain.get(key)
        else:
            present, found = self._keys.lookup(key)
        for name in self._overlay.get(key, ()):
            found = None if present and found != name else name
            present = True
        return default if found is None else found

    def __getitem__(self, key: str) -> str:
        found: str | None = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def _whole(self) -> dict[str, str]:
        pairs = self._plain.items() if self._plain is not None else self._keys.items()
        keys = dict.fromkeys(k for k, _ in pairs)
        keys.update(dict.fromkeys(self._overlay))
        return {k: v for k in keys if (v := self.get(k)) is not None}

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


@cache
def loose_index() -> LooseIndex:
    return LooseIndex()


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
    for table in ("drugs", "classes", "nutrients"):
        for drug, entry in doc.get(table, {}).items():
            for synonym in entry["aliases"]:
                found[name_key(synonym)] = (drug,)
    return found


@cache
def exact_only_aliases() -> frozenset[str]:
    """Label names of the alias groups marked `fuzzy = false`: never the reading of a typo.

    Names in other languages are next to their sister compounds' names, which the data does
    not hold ('Acide acétique' is one letter pair from 'Acide lactique'), so a typo reading of
    them could flag an acid that is not there."""
    return frozenset(
        name_key(label_name)
        for group in _aliases_document()["groups"]
        if group.get("fuzzy") is False
        for label_name in group["names"]
    )


@cache
def botanical_prefixes() -> dict[str, str]:
    """Leading words of a printed plant name -> the CosIng binomial (legacy, synonym, common)."""
    found: dict[str, str] = {}
    for group in _aliases_document().get("botanicals", []):
        for label_name, binomial in group["names"].items():
            if isinstance(binomial, str):
                found[name_key(label_name)] = binomial
    return found


@cache
def botanical_genera() -> dict[str, tuple[str, ...]]:
    """Common names of several species ('JASMINE') -> every CosIng binomial they name."""
    found: dict[str, tuple[str, ...]] = {}
    for group in _aliases_document().get("botanicals", []):
        for label_name, binomials in group["names"].items():
            if not isinstance(binomials, str):
                found[name_key(label_name)] = tuple(binomials)
    return found


@cache
def genus_generics() -> dict[str, str]:
    """Genera printed with 'spp.' -> the generic word of CosIng's names of their material
    ('ROSA' -> 'ROSE': ROSE FLOWER OIL, ROSE EXTRACT)."""
    return {
        name_key(genus): generic
        for group in _aliases_document().get("genera", [])
        for genus, generic in group["names"].items()
    }


@cache
def vitamin_stems() -> dict[str, str]:
    """A vitamin's label name -> the stem of its esters' INCI names ('VITAMIN E' ->
    'TOCOPHERYL': 'Vitamin E Succinate' is TOCOPHERYL SUCCINATE)."""
    return {
        name_key(vitamin): stem
        for group in _aliases_document().get("vitamin_stems", [])
        for vitamin, stem in group["names"].items()
    }


@cache
def drug_names() -> frozenset[str]:
    """The names CosIng does not list: drugs, the ingredient classes labels name alone, and
    the vitamin and mineral forms of food supplements."""
    doc = _aliases_document()
    return frozenset([*doc["drugs"], *doc.get("classes", {}), *doc.get("nutrients", {})])


@cache
def strength_aliases() -> dict[str, tuple[str, ...]]:
    """Abbreviations read as a class only beside a percent strength ('BHA 2%', '2% BHA'):
    printed alone, 'BHA' is CosIng's butylated hydroxyanisole, an antioxidant."""
    return {
        name_key(abbreviation): (name,)
        for name, entry in _aliases_document().get("classes", {}).items()
        for abbreviation in entry.get("beside_a_strength", ())
    }


@cache
def class_names() -> frozenset[str]:
    """Ingredient classes ('ALPHA HYDROXY ACIDS'): named in a text that is not a list, a claim
    that alone does not make the text a list."""
    return frozenset(_aliases_document().get("classes", {}))


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
    """Every known name once, sorted (the inventory comes sorted: sorting it with the few
    names it lacks costs half of sorting a set of them all), but the names of alias groups
    read only exactly."""
    names = inventory().names
    exact_only = exact_only_aliases()
    extra = {
        name for name in (*drug_names(), *aliases()) if name not in names and name not in exact_only
    }
    return sorted([*names, *extra])
