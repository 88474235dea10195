"""data/index.marshal, the compiled inventory index: start-up speed only, never another answer."""

from __future__ import annotations

import json
import marshal
import re
import tomllib

import pytest

from needlecare.ingredients import data, flags, index, plants
from needlecare.ingredients.build import flag_patterns
from needlecare.ingredients.text import loose_key


def _sources() -> dict[str, bytes]:
    return {name: data.read_data(name) for name in index.SOURCES}


def test_the_shipped_index_is_in_sync_with_the_json_and_flags_files() -> None:
    patterns = flag_patterns(tomllib.loads(data.read_data("flags.toml").decode("utf-8")))
    shipped = marshal.loads(data.read_data(index.INDEX))
    assert shipped == index.build(_sources(), patterns), "run: needlecare ingredients-compile-toml"
    assert index.load(data.read_data) is not None  # and this Python reads it


def test_the_index_answers_as_the_json_files_do() -> None:
    raw = json.loads(data.read_data("inventory.json"))
    keys = json.loads(data.read_data("loose.json"))["keys"]
    names = data.inventory().names
    assert isinstance(names, index.InventoryNames)  # the index is in use
    assert list(names) == list(raw["names"]) and len(names) == len(raw["names"])
    assert all(name in names and names[name] == tuple(c) for name, c in raw["names"].items())
    assert "NOT A COSING NAME" not in names and names.get("NOT A COSING NAME") is None
    assert data.inventory().functions_of("GLYCERIN") == tuple(
        raw["functions"][i] for i in raw["names"]["GLYCERIN"]
    )
    expected: dict[str, str | None] = {k: n for k, n in zip(keys, raw["names"], strict=True) if k}
    for name in [*data.drug_names(), *data.aliases()]:
        key = loose_key(name)
        if key:
            expected[key] = None if key in expected and expected[key] != name else name
    loose = data.loose_index()
    assert dict(loose) == {k: v for k, v in expected.items() if v is not None}
    assert all(loose.get(k) == v for k, v in expected.items())
    for pattern in flag_patterns(data.flags_document()):
        found = [n for n in raw["names"] if re.search(pattern, n)]
        assert data.inventory_matches(pattern) == found
    by_binomial = plants.by_binomial_of(raw["names"])
    assert data.compiled_plants() == {b: "\t".join(n) for b, n in by_binomial.items()}
    assert "ROSA CANINA FRUIT OIL" in by_binomial["ROSA CANINA"]


def test_a_changed_json_file_is_read_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stale index is never used: the JSON files are the data."""
    real = data.read_data
    edited = real("loose.json").replace(b'"keys":[', b'"keys":[ ', 1)
    monkeypatch.setattr(data, "read_data", lambda n: edited if n == "loose.json" else real(n))
    assert index.load(data.read_data) is None
    for cached in (data._index, data.inventory, data.loose_index, flags.active_flag_names):
        cached.cache_clear()
    try:
        assert isinstance(data.inventory().names, dict)
        assert data.loose_index().get(loose_key("Glycerin")) == "GLYCERIN"
        assert data.inventory_matches("^RETINYL ") is None
        assert "RETINYL PALMITATE" in flags.active_flag_names()
    finally:
        monkeypatch.undo()
        for cached in (data._index, data.inventory, data.loose_index, flags.active_flag_names):
            cached.cache_clear()
