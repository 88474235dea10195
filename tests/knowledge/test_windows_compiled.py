"""knowledge/data/windows.compiled.json saves start-up time only: it must equal windows.toml
(refresh with `needlecare ingredients-compile-toml`), and an edited windows.toml is never read
stale."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest

from needlecare.knowledge import windows


def test_the_parsed_copy_is_in_sync_and_read_as_the_toml() -> None:
    source = windows._read_text("windows.toml")
    shipped = windows._read_text(windows.COMPILED)
    assert shipped == windows.build_compiled(source), "run: needlecare ingredients-compile-toml"
    # equal, in the same order (the order of the tables is the order of the data)
    assert json.dumps(windows.raw_document()) == json.dumps(tomllib.loads(source))


def test_an_edited_toml_is_parsed_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    source = windows._read_text("windows.toml")
    edited = source.replace("resume_day = 7\n", "resume_day = 8\n", 1)
    assert edited != source
    real = windows._read_text
    monkeypatch.setattr(windows, "_read_text", lambda n: edited if n == "windows.toml" else real(n))
    assert windows.raw_document() == tomllib.loads(edited) != tomllib.loads(source)


def test_a_missing_or_broken_copy_falls_back_to_the_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    source = windows._read_text("windows.toml")
    for broken in ("", "{not json", json.dumps({"source": source})[:-1]):
        monkeypatch.setattr(
            windows, "_read_text", lambda n, b=broken: source if n == "windows.toml" else b
        )
        assert windows.raw_document() == tomllib.loads(source)

    def missing(name: str) -> str:
        if name == "windows.toml":
            return source
        raise FileNotFoundError(name)

    monkeypatch.setattr(windows, "_read_text", missing)
    assert windows.raw_document() == tomllib.loads(source)


def test_the_ingredient_checker_does_not_import_tomllib() -> None:
    code = (
        "import sys\n"
        "from needlecare.ingredients import check_label\n"
        "check_label('Aqua, Glycerin, Retinol, Parfum', day=3)\n"
        "print('tomllib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
