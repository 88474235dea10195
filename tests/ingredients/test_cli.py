"""The CLI contract of `needlecare ingredients` (issue 3): output shapes and exit codes."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from needlecare.cli import app

from .labels import LABELS

runner = CliRunner()


def _run(args: list[str], stdin: str | bytes = "") -> tuple[int, str, str]:
    result = runner.invoke(app, ["ingredients", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_json_contract_shape() -> None:
    code, out, _ = _run(["--json", "--day", "3"], "Aqua (Water), Glycerin, Retinol, Parfum")
    assert code == 0
    result = json.loads(out)
    first = result["ingredients"][0]
    assert (first["raw"], first["name"], first["recognized"]) == ("Aqua (Water)", "AQUA", True)
    assert result["verdict"]["status"] == "avoid" and result["verdict"]["day"] == 3
    assert result["verdict"]["resume_day"] == 7
    assert {"ingredient", "flag", "text", "source"} <= set(result["verdict"]["reasons"][0])


def test_table_output_is_readable() -> None:
    code, out, _ = _run(["--day", "8"], "Aqua, Glycerin, Retinol")
    assert code == 0
    assert "RETINOL" in out and "Day 8:" in out and "retinoid" in out


def test_ignored_text_is_in_the_json_and_the_table() -> None:
    label = "Tretinoin 0.05%. Inactive ingredients: Water, Stearic Acid"
    code, out, _ = _run(["--json"], label)
    assert code == 0
    result = json.loads(out)
    assert result["ingredients"][0]["name"] == "TRETINOIN"
    assert result["ignored"] == [{"text": "Inactive ingredients:", "reason": "heading"}]
    code, out, _ = _run([], "Key ingredients: Retinol. Ingredients: Aqua, Glycerin")
    assert code == 0
    assert "Not read as ingredients:" in out
    assert "Key ingredients: Retinol. (text before the ingredient list)" in out
    assert "RETINOL (found outside the list)" in out


def test_jsonl_keeps_order_and_reports_bad_lines() -> None:
    lines = "Aqua, Glycerin\nI love this product so much\n\nZinc Oxide 20%, Aqua\n"
    code, out, _ = _run(["--jsonl"], lines)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4
    assert rows[0]["ingredients"][0]["name"] == "AQUA"
    assert set(rows[1]) == {"error"} and set(rows[2]) == {"error"}
    assert rows[3]["ingredients"][0]["name"] == "ZINC OXIDE"


def test_file_option(tmp_path: Path) -> None:
    label = tmp_path / "label.txt"
    label.write_text("Ingredients: Aqua, Glycolic Acid, Glycerin", "utf-8")
    code, out, _ = _run(["--json", "--file", str(label)])
    assert code == 0 and json.loads(out)["verdict"]["status"] == "avoid"


@pytest.mark.parametrize(
    "stdin",
    [
        "",
        "https://example.com/serum",
        "This is a lovely cream that I use every day.",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "z" * 1_000_000,
    ],
)
def test_not_an_ingredient_list_exits_2_with_one_line(stdin: str | bytes) -> None:
    code, out, err = _run(["--json"], stdin)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1


def test_missing_file_and_bad_band_exit_2(tmp_path: Path) -> None:
    assert _run(["--file", str(tmp_path / "nope.txt")])[0] == 2
    assert _run(["--band", "XL"], "Aqua, Glycerin")[0] == 2


def test_whole_process_never_prints_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "needlecare", "ingredients", "--json"],
        input=b"\x00\xff\xfe garbage",
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr and proc.stderr.startswith(b"error: ")


FAST = (
    "import sys; from needlecare.cli.ingredients_run import main_fast; "
    "sys.exit(main_fast(sys.argv[1:]))"
)


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["--json", "--day", "3", "--band", "S"], b"Aqua, Glycerin, Retinol, Parfum"),
        (["--jsonl"], b"Aqua, Glycerin\nnot a list at all, really\n"),
        (["--day", "9"], b"Ingredients: Aqua, Walnut Shell Powder"),
        (["--json"], b""),
    ],
)
def test_fast_path_behaves_like_the_typer_command(args: list[str], stdin: bytes) -> None:
    typer_run = subprocess.run(
        [sys.executable, "-m", "needlecare", "ingredients", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
    )
    fast_run = subprocess.run(
        [sys.executable, "-c", FAST, *args], input=stdin, capture_output=True, timeout=60
    )
    assert fast_run.returncode == typer_run.returncode
    assert fast_run.stdout == typer_run.stdout
    assert fast_run.stderr == typer_run.stderr


def _check_all(texts: list[str]) -> None:
    from needlecare.ingredients import NotAnIngredientList, check_label

    for text in texts:
        with contextlib.suppress(NotAnIngredientList):
            check_label(text, day=3, band="M")


def test_a_list_read_again_makes_no_reference_cycles() -> None:
    """The batch freezes what outlives its lists (gc.freeze, cli/ingredients_run.py): right
    only while a list leaves no cyclic garbage behind, which the collector alone would free."""
    import gc

    texts = [text for _, text in LABELS.values()] + [
        "Aqua, Glycerrin, Citrannellol, Triethoxycaprylysilane, Sodium Benzoatte",
        "Drug Facts Active ingredient Adapalene 0.1% (retinoid) Purpose: Acne treatment "
        "Uses treats acne Inactive ingredients: carbomer 940, edetate disodium, water",
        "This is a lovely cream that I use every day.",
        "https://example.com/serum",
    ]
    _check_all(texts)  # the first reading loads the tables (that may make cycles, once)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        _check_all(texts)
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_jsonl_batch_longer_than_one_write_keeps_every_line() -> None:
    lines = ["Aqua, Glycerin, Retinol", "not a list at all, really", "Zinc Oxide 20%, Aqua"] * 200
    proc = subprocess.run(
        [sys.executable, "-c", FAST, "--jsonl"],
        input="\n".join(lines).encode(),
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 600
    assert [set(row) == {"error"} for row in rows] == [i % 3 == 1 for i in range(600)]
    assert rows[599]["ingredients"][0]["name"] == "ZINC OXIDE"
