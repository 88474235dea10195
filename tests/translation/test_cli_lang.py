"""Issue 22: `--lang es` on triage, timeline, ingredients and guide sheet; no catalogue English."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import needlecare.cli.guide  # noqa: F401  (registers the commands)
from needlecare.cli import app

from .untranslated import untranslated

runner = CliRunner()
FEVER = {
    "day": 3,
    "treatment": {"depth_mm": 1.0, "device": "pen"},
    "symptoms": {"fever": True, "redness": 2, "breakouts": {"count": 3, "kind": "pustules"}},
}


def _spanish(output: str) -> None:
    assert untranslated(output) == []


def test_triage_in_spanish() -> None:
    result = runner.invoke(
        app, ["triage", "--lang", "es", "--today", "2026-11-25"], input=json.dumps(FEVER)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("URGENTE - BUSCA ATENCIÓN MÉDICA AHORA")
    assert "fiebre" in result.stdout
    _spanish(result.stdout)


def test_triage_json_in_spanish_keeps_codes_and_levels() -> None:
    english = runner.invoke(app, ["triage", "--json"], input=json.dumps(FEVER))
    spanish = runner.invoke(app, ["triage", "--json", "--lang", "es-ES"], input=json.dumps(FEVER))
    en, es = json.loads(english.stdout), json.loads(spanish.stdout)
    assert es["level"] == en["level"] and es["phase"] == en["phase"]
    assert [f["code"] for f in es["findings"]] == [f["code"] for f in en["findings"]]
    assert [f["text"] for f in es["findings"]] != [f["text"] for f in en["findings"]]
    assert len(es["advice"]) == len(en["advice"])
    _spanish(spanish.stdout)


def test_timeline_in_spanish() -> None:
    result = runner.invoke(
        app, ["timeline", "--date", "2026-12-01", "--depth", "1.0", "--lang", "es"]
    )
    assert result.exit_code == 0, result.output
    assert "Cronología de recuperación" in result.stdout
    # The phase column names the phase in Spanish; dates and depth in the locale's format.
    rows = result.stdout.splitlines()[4:]
    assert any("Inflamación" in row for row in rows) and any("Recuperación" in row for row in rows)
    assert not any(code in result.stdout for code in ("inflammation", "remodelling"))
    assert "01/12/2026" in result.stdout and "1,0" in result.stdout
    _spanish(result.stdout)
    as_json = runner.invoke(
        app, ["timeline", "--date", "2026-12-01", "--depth", "1.0", "--lang", "es", "--json"]
    )
    _spanish(as_json.stdout)


def test_ingredients_in_spanish() -> None:
    result = runner.invoke(
        app, ["ingredients", "--day", "2", "--lang", "es"], input="Aqua, Retinol, Glycerin, Parfum"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Día 2: EVITAR" in out and "Evítalo hasta el día 7" in out
    _spanish(out)


def test_guide_sheet_in_spanish() -> None:
    result = runner.invoke(
        app,
        [
            "guide",
            "sheet",
            "--date",
            "2026-12-01",
            "--depth",
            "1.0",
            "--lang",
            "es",
            "--today",
            "2026-12-03",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "TU HOJA DE CUIDADOS" in result.stdout
    _spanish(result.stdout)


@pytest.mark.parametrize(
    "command", [["triage"], ["timeline", "--date", "2026-12-01", "--depth", "1"]]
)
def test_an_unknown_language_exits_2_with_a_message(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--lang", "xx"], input=json.dumps(FEVER))
    assert result.exit_code == 2
    assert "--lang must be one of en, es" in result.output
