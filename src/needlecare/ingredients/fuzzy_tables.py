"""The typo readings' tables of every known name (data/fuzzy.marshal): start-up speed only.

The typo readings (fuzzy.py) search every known name: the ~29,000 names of CosIng with the drug
and alias names, sorted (data.fuzzy_choices). Their text, each name's length, and each name's
letters and digits with its length were computed at the first typo of every process, one Python
step per name: ~140 M instructions, ~2.5 % of a 20-copy batch. This file holds them as built
from the data, as a few large objects read in one marshal call.

Used only while inventory.json and aliases.toml (all that the names come from) are the bytes
it was built from, and only if this Python reads it; otherwise the tables are computed as
before. Refreshed by `needlecare ingredients-compile-toml`; a test checks it is in sync.
"""

from __future__ import annotations

import marshal
import re
import sys
import zlib
from array import array
from functools import cache, lru_cache
from itertools import compress
from operator import not_
from typing import Any

from needlecare.ingredients import data

FILE = "fuzzy.marshal"
FORMAT = 2
SOURCES = ("inventory.json", "aliases.toml")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_ASCII_SEPARATORS = bytes(c for c in range(128) if not chr(c).isalnum() and chr(c) != "\n")


def build(choices: list[str]) -> dict[str, Any]:
    """The tables of the known names `choices` (data.fuzzy_choices(), in its order)."""
    text = "\n".join(choices)
    squeezed = _squeeze(text)
    # The spellings' text in ASCII, the few others apart (a slice of a text with any other
    # character is checked for the widest one: ~2,000 instructions a name, ~300 in ASCII).
    others = {i: spelt for i, spelt in enumerate(squeezed) if not spelt.isascii()}
    ascii_text = "\n".join("" if i in others else spelt for i, spelt in enumerate(squeezed))
    starts = array("I", [0])
    for i, spelt in enumerate(squeezed):
        starts.append(starts[-1] + (0 if i in others else len(spelt)) + 1)
    # The names' indices by the length of their spelling (255: that or longer), in their order
    # within a length, and where each length starts: the names near a length are a few slices.
    lengths = _length_bytes(squeezed)
    by_length = array("I", sorted(range(len(squeezed)), key=lengths.__getitem__))
    length_starts = array("I", [0] * 257)
    for n in lengths:
        length_starts[n + 1] += 1
    for n in range(256):
        length_starts[n + 1] += length_starts[n]
    return {
        "names": text,  # the names, one a line
        "lengths": _length_bytes(choices),
        "squeezed": ascii_text,  # each name's letters and digits, one a line ("" if not ASCII)
        "squeezed_others": others,  # index -> the spellings that are not ASCII
        "squeezed_lengths": lengths,
        "squeezed_starts": starts.tobytes(),  # where each line of "squeezed" starts
        "by_length": by_length.tobytes(),
        "length_starts": length_starts.tobytes(),
    }


def build_file(sources: dict[str, bytes], choices: list[str]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "about": "The typo readings' tables of every known name (start-up speed only)",
        "byteorder": sys.byteorder,
        "sources": {name: [len(sources[name]), zlib.crc32(sources[name])] for name in SOURCES},
        "tables": build(choices),
    }


def dumps(built: dict[str, Any]) -> bytes:
    return marshal.dumps(built)


def _squeeze(text: str) -> list[str]:
    """Each line's letters and digits (ASCII separators deleted from the text at once, the few
    names with other characters then one by one: a regular expression over all cost more)."""
    names = text.encode("utf-8").translate(None, _ASCII_SEPARATORS).decode("utf-8").split("\n")
    for index in list(compress(range(len(names)), map(not_, map(str.isascii, names)))):
        names[index] = _NOT_LETTER_OR_DIGIT.sub("", names[index])
    return names


def _length_bytes(names: list[str]) -> bytes:
    """Each name's length as one byte (255 for 255 or more)."""
    return bytes(255 if n > 255 else n for n in map(len, names))


def _load() -> dict[str, Any] | None:
    """The shipped tables, or None when missing, stale or not readable by this Python."""
    try:
        # Our own file inside the installed package, as trusted as the code beside it.
        found = marshal.loads(data.read_data(FILE))  # noqa: S302
    except (FileNotFoundError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        return None
    if found.get("byteorder") != sys.byteorder or array("I").itemsize != 4:
        return None
    for name in SOURCES:
        checked = data.verified_source(name)  # (the index's check of inventory.json: ~4 M)
        if checked is None:
            source = data.read_data(name)
            checked = [len(source), zlib.crc32(source)]
        if checked != found["sources"].get(name):
            return None
    tables: dict[str, Any] = found["tables"]
    return tables


@cache
def tables() -> dict[str, Any]:
    """The tables: shipped, or computed from the data as the build does."""
    return _load() or build(data.fuzzy_choices())


@cache
def choices() -> list[str]:
    """The known names in data.fuzzy_choices()'s order."""
    text: str = tables()["names"]
    return text.split("\n")


def all_names() -> str:
    """The known names' text, one a line."""
    text: str = tables()["names"]
    return text


def choice_lengths() -> bytes:
    """Each known name's length as one byte (255 for 255 or more)."""
    lengths: bytes = tables()["lengths"]
    return lengths


@lru_cache(maxsize=256)
def squeezed_near(length: int) -> tuple[list[str], list[int]]:
    """The known names with letters and digits only within two letters of `length`, and their
    indices into the known names, in their order."""
    found = tables()
    by_length = array("I", found["by_length"])
    length_starts = array("I", found["length_starts"])
    low, high = min(max(length - 2, 0), 255), min(length + 2, 255)
    near = sorted(by_length[length_starts[low] : length_starts[high + 1]]) if low <= high else []
    text: str = found["squeezed"]
    starts = array("I", found["squeezed_starts"])
    spellings = [text[starts[i] : starts[i + 1] - 1] for i in near]
    others: dict[int, str] = found["squeezed_others"]
    if others:
        where = {i: k for k, i in enumerate(near) if i in others}
        for i, k in where.items():
            spellings[k] = others[i]
    if high == 255:  # (a length byte of 255 stands for every longer name)
        kept = [k for k, s in enumerate(spellings) if abs(len(s) - length) <= 2]
        spellings, near = [spellings[k] for k in kept], [near[k] for k in kept]
    return spellings, near
