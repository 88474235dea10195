"""The compiled inventory index (data/index.marshal): start-up speed only.

inventory.json and loose.json stay the data (built from CosIng, with their sources); this file
holds the same names in a form that loads in well under a millisecond: the names as one string
in their order, and the names with their function codes, and the loose keys with their names,
in 256 buckets of text, each searched as text for a name's line. A one-shot check looks up a
few dozen names, a batch a few per distinct name it reads (the readings are cached above this):
parsing both JSON files was a large share of every process's start-up, and splitting every
bucket a batch touches into a dict cost more than all of its searches.

It also holds the plant names by binomial (needlecare.ingredients.plants: a loop over every
inventory name was the dearest step of the first plant name a process reads) and, for each regular
expression of data/flags.toml, the inventory names it matches
(the active-ingredient index searched every inventory name at start-up).

Used only while the sizes and CRC-32 of inventory.json and loose.json are those it was built
from, and only if this Python reads it; otherwise the JSON files are read as before. Refreshed
by `needlecare ingredients-compile-toml`; a test checks it is in sync and answers alike.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Iterator, Mapping
from itertools import repeat
from typing import Any

INDEX = "index.marshal"
FORMAT = 2
BUCKETS = 256
SOURCES = ("inventory.json", "loose.json")


def bucket_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) & (BUCKETS - 1)


def _split(blob: str) -> dict[str, str]:
    """'NAME\\tVALUE' lines -> dict (a later line wins, as in the JSON's order)."""
    # (str.split mapped in C: no Python frame per line)
    return dict(map(str.split, blob.split("\n"), repeat("\t"), repeat(1))) if blob else {}


class Buckets:
    """Text buckets of 'NAME\tVALUE' lines: a look-up searches its bucket's text; only a walk
    over every entry splits them into dicts."""

    __slots__ = ("_blobs", "_dicts")

    def __init__(self, blobs: list[str]) -> None:
        self._blobs = blobs
        self._dicts: list[dict[str, str] | None] = [None] * len(blobs)

    def get(self, key: str) -> str | None:
        """The value of the key's last line in its bucket (a later line wins, as in _split)."""
        if "\t" in key or "\n" in key:
            return None  # no name holds either (build() checks): never part of a line
        blob = self._blobs[bucket_of(key)]
        probe = key + "\t"
        end = len(blob)
        while (at := blob.rfind(probe, 0, end)) >= 0:
            if at == 0 or blob[at - 1] == "\n":  # the whole name, not the end of a longer one
                stop = blob.find("\n", at)
                return blob[at + len(probe) : stop if stop >= 0 else len(blob)]
            end = at + len(probe) - 1
        return None

    def all(self) -> Iterator[dict[str, str]]:
        for index in range(len(self._blobs)):
            found = self._dicts[index]
            if found is None:
                found = self._dicts[index] = _split(self._blobs[index])
            yield found


class InventoryNames(Mapping[str, tuple[int, ...]]):
    """CosIng name -> indices into the function list, in the inventory's order."""

    __slots__ = ("_buckets", "_names", "_order")

    def __init__(self, order: str, buckets: list[str]) -> None:
        self._order = order
        self._buckets = Buckets(buckets)
        self._names: list[str] | None = None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._buckets.get(key) is not None

    def __getitem__(self, key: str) -> tuple[int, ...]:
        codes = self._buckets.get(key)
        if codes is None:
            raise KeyError(key)
        return tuple(int(code) for code in codes.split(",")) if codes else ()

    def get(self, key: str, default: Any = None) -> Any:
        codes = self._buckets.get(key)
        if codes is None:
            return default
        return tuple(int(code) for code in codes.split(",")) if codes else ()

    def _all(self) -> list[str]:
        if self._names is None:
            self._names = self._order.split("\n") if self._order else []
        return self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class LooseKeys:
    """The inventory's loose keys -> names (loose.json, ambiguous keys left out)."""

    __slots__ = ("_buckets",)

    def __init__(self, buckets: list[str]) -> None:
        self._buckets = Buckets(buckets)

    def lookup(self, key: str) -> tuple[bool, str | None]:
        """(present, name) as the dict built from loose.json would answer."""
        found = self._buckets.get(key)
        return found is not None, found

    def items(self) -> Iterator[tuple[str, str]]:
        for bucket in self._buckets.all():
            yield from bucket.items()


def load(read: Any) -> dict[str, Any] | None:
    """The index, or None when it is missing, stale or not readable by this Python.

    `read(name) -> bytes` reads a data file."""
    try:
        # Our own file inside the installed package, as trusted as the code beside it.
        index = marshal.loads(read(INDEX))  # noqa: S302
    except (FileNotFoundError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        return None
    for name in SOURCES:
        source = read(name)
        if [len(source), zlib.crc32(source)] != index["sources"].get(name):
            return None
    return index


def build(sources: dict[str, bytes], patterns: list[str]) -> dict[str, Any]:
    """The index of inventory.json and loose.json (their exact bytes), with the inventory
    names each of `patterns` (the flags' regular expressions) matches."""
    import json
    import re

    inventory = json.loads(sources["inventory.json"])
    keys: list[str] = json.loads(sources["loose.json"])["keys"]
    names: dict[str, list[int]] = inventory["names"]
    order = list(names)
    if any("\t" in n or "\n" in n for n in order):
        raise ValueError("an inventory name contains a tab or a line end")
    name_lines: list[list[str]] = [[] for _ in range(BUCKETS)]
    for name, codes in names.items():
        name_lines[bucket_of(name)].append(f"{name}\t{','.join(map(str, codes))}")
    loose_lines: list[list[str]] = [[] for _ in range(BUCKETS)]
    for key, name in zip(keys, order, strict=True):
        if key:
            loose_lines[bucket_of(key)].append(f"{key}\t{name}")
    matches = {
        pattern: [name for name in order if re.search(pattern, name)]
        for pattern in sorted(set(patterns))
    }
    from needlecare.ingredients.plants import by_binomial_of

    plants = by_binomial_of(order)
    return {
        "format": FORMAT,
        "about": "Compiled copy of inventory.json and loose.json (start-up speed only)",
        "sources": {name: [len(sources[name]), zlib.crc32(sources[name])] for name in SOURCES},
        "functions": inventory["functions"],
        "order": "\n".join(order),
        "names": ["\n".join(lines) for lines in name_lines],
        "loose": ["\n".join(lines) for lines in loose_lines],
        "matches": matches,
        # "GENUS SPECIES\tNAME\tNAME..." lines, as plants.by_binomial_of(order) gives them
        "plants": "\n".join("\t".join([b, *names]) for b, names in plants.items()),
    }


def plants_of(blob: str) -> dict[str, str]:
    """The index's "plants" text -> binomial -> its names joined by tabs."""
    # (str.split mapped in C: no Python frame per line)
    return dict(map(str.split, blob.split("\n"), repeat("\t"), repeat(1))) if blob else {}


def dumps(index: dict[str, Any]) -> bytes:
    return marshal.dumps(index)
