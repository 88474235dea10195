"""data/fuzzy.marshal, the typo readings' tables: start-up speed only, never another answer."""

from __future__ import annotations

import marshal
import re

import pytest

from needlecare.ingredients import data, fuzzy_tables


def test_the_shipped_tables_are_in_sync_with_the_data() -> None:
    sources = {name: data.read_data(name) for name in fuzzy_tables.SOURCES}
    shipped = marshal.loads(data.read_data(fuzzy_tables.FILE))
    built = fuzzy_tables.build_file(sources, data.fuzzy_choices())
    assert shipped == built, "run: needlecare ingredients-compile-toml"
    assert fuzzy_tables._load() is not None  # and this Python reads them


def test_the_tables_answer_as_the_names_do() -> None:
    names = data.fuzzy_choices()
    assert fuzzy_tables._load() is not None  # the shipped tables are in use
    assert fuzzy_tables.choices() == names
    assert fuzzy_tables.all_names() == "\n".join(names)
    assert fuzzy_tables.choice_lengths() == bytes(min(len(n), 255) for n in names)
    squeezed = [re.sub(r"[\W_]+", "", name) for name in names]
    assert max(map(len, squeezed)) > 260  # (the lengths past one byte are covered below)
    for length in [*range(0, 40), 60, 120, 252, 253, 254, 255, 256, 258, 270, 400]:
        near = [i for i, spelt in enumerate(squeezed) if abs(len(spelt) - length) <= 2]
        assert fuzzy_tables.squeezed_near(length) == ([squeezed[i] for i in near], near), length


def test_tables_of_other_data_are_computed_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    real = data.read_data
    edited = real("aliases.toml") + b"\n# edited after the build\n"
    monkeypatch.setattr(data, "read_data", lambda n: edited if n == "aliases.toml" else real(n))
    assert fuzzy_tables._load() is None
    monkeypatch.setattr(data, "read_data", lambda n: b"" if n == fuzzy_tables.FILE else real(n))
    assert fuzzy_tables._load() is None
    monkeypatch.setattr(data, "read_data", real)
    assert fuzzy_tables._load() is not None
    assert fuzzy_tables.build(data.fuzzy_choices()) == fuzzy_tables._load()
