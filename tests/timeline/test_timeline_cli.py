"""needlecare timeline: readable table by default, --json contract, exit 2 on bad arguments."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from needlecare.cli import app

runner = CliRunner()
BASE = ["timeline", "--date", "2026-11-20", "--depth", "1.5", "--device", "pen"]


def test_json_prints_the_contract() -> None:
    result = runner.invoke(app, [*BASE, "--today", "2026-11-25", "--fitzpatrick", "5", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["today"] == 5 and data["treatment"]["band"] == "D" and len(data["days"]) == 43


def test_the_table_marks_today_and_what_returns_when() -> None:
    result = runner.invoke(app, [*BASE, "--today", "2026-11-23"])
    assert result.exit_code == 0
    [today_row] = [line for line in result.stdout.splitlines() if "<- today" in line]
    assert today_row.split()[:2] == ["3", "2026-11-23"]
    assert "no longer avoided" in result.stdout


@pytest.mark.parametrize("args, words", [
    (["--date", "20-11-2026"], "--date"),
    (["--depth", "0"], "--depth"),
    (["--device", "laser"], "--device"),
    (["--fitzpatrick", "9"], "--fitzpatrick"),
    (["--today", "yesterday"], "--today"),
    (["--depth", "deep"], "depth"),
])  # fmt: skip
def test_bad_arguments_exit_2_with_a_clear_error(args: list[str], words: str) -> None:
    argv = list(BASE)
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
