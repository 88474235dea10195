import json
import shutil
from importlib import resources

from typer.testing import CliRunner

import needlecare.cli.guide
import needlecare.cli.knowledge  # noqa: F401  (registers the commands)
from needlecare.cli import app

runner = CliRunner()
EXAMPLE = resources.files("needlecare.guide").joinpath("data", "protocols", "example-clinic.toml")


def run(*args: str):
    return runner.invoke(app, list(args))


def test_sheet_prints_dated_lines_grouped_with_sources():
    result = run(
        "guide",
        "sheet",
        "--date",
        "2026-11-25",
        "--depth",
        "1.5",
        "--device",
        "pen",
        "--fitzpatrick",
        "5",
        "--today",
        "2026-11-27",
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Treatment on Wednesday 25 November 2026: 1.5 mm, microneedling pen" in out
    assert "day 2 after your treatment" in out
    assert "From Wednesday 2 December: vitamin C" in out
    assert "Not before Wednesday 23 December" in out
    assert out.index("Today and the first days") < out.index("Warning signs and what to do")
    assert "[AC-08, AE-08]" in out


def test_sheet_json_with_a_clinic_protocol(tmp_path):
    protocol = tmp_path / "clinic.toml"
    shutil.copy(EXAMPLE, protocol)
    result = run(
        "guide",
        "sheet",
        "--date",
        "2026-12-28",
        "--depth",
        "1",
        "--device",
        "roller",
        "--protocol",
        str(protocol),
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["protocol_version"] == "3" and data["band"] == "D"
    lines = {line["window"]: line for g in data["groups"] for line in g["lines"] if line["window"]}
    assert lines["vitamin_c"]["date"] == "2027-01-07"  # tightened from day 7 to day 10
    assert "Example Skin Clinic" in lines["vitamin_c"]["source_note"]


def test_sheet_refuses_bad_input_with_a_message_not_a_traceback(tmp_path):
    for args, message in [
        (["--date", "2026-13-01", "--depth", "1"], "YYYY-MM-DD"),
        (["--date", "2026-11-25", "--depth", "9"], "depth"),
        (["--date", "2026-11-25", "--depth", "1", "--device", "laser"], "device"),
        (["--date", "2026-11-25", "--depth", "1", "--tz", "Nowhere/City"], "time zone"),
    ]:
        result = run("guide", "sheet", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
    lax = tmp_path / "lax.toml"
    lax.write_text('schema_version = 1\nname = "Lax"\nversion = 1\n[windows.aha]\nresume_day = 1\n')
    result = run("guide", "sheet", "--date", "2026-11-25", "--depth", "1", "--protocol", str(lax))
    assert result.exit_code == 2 and "never loosen" in result.output


def test_page_and_page_list():
    listing = run("guide", "page", "list")
    assert listing.exit_code == 0 and "breakouts-and-purging" in listing.output
    result = run("guide", "page", "breakouts-and-purging")
    assert result.exit_code == 0
    assert "Last reviewed: 2026-11-25" in result.output and "[BO-03" in result.output
    data = json.loads(run("guide", "page", "warning-signs", "--json").output)
    assert data["last_reviewed"] == "2026-11-25"
    statements = [st for section in data["sections"] for st in section["statements"]]
    assert statements and all(st["citations"] for st in statements)
    missing = run("guide", "page", "detox")
    assert missing.exit_code == 2 and "no guide page 'detox'" in missing.output


def test_search_prints_hits_or_exits_1():
    result = run("guide", "search", "cold", "sores")
    assert result.exit_code == 0 and "warning-signs#call-today" in result.output
    assert run("guide", "search", "zzzz").exit_code == 1
    as_json = json.loads(run("guide", "search", "milia", "--json").output)
    assert as_json and as_json[0]["slug"] == "breakouts-and-purging"


def test_knowledge_check_exit_codes(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    schema = resources.files("needlecare.knowledge").joinpath("data", "windows.schema.json")
    windows = resources.files("needlecare.knowledge").joinpath("data", "windows.toml")
    shutil.copy(schema, good / "windows.schema.json")
    shutil.copy(windows, good / "windows.toml")
    result = run("knowledge", "check", "--data-dir", str(good))
    assert result.exit_code == 0, result.output
    assert "1 files" in result.output and "no problems" in result.output

    text = (good / "windows.toml").read_text()
    broken = text.replace('cite = ["reference.md#AC-09"]', 'cite = ["reference.md#AC-99"]')
    assert broken != text
    (good / "windows.toml").write_text(broken)
    result = run("knowledge", "check", "--data-dir", str(good))
    assert result.exit_code == 1
    assert "'reference.md#AC-99' does not resolve" in result.output
    assert "1 problem(s)" in result.output


def test_knowledge_check_validates_a_protocol_file(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    lax = tmp_path / "lax.toml"
    lax.write_text('schema_version = 1\nname = "Lax"\nversion = 1\n[red_flags]\nfever = false\n')
    result = run("knowledge", "check", "--data-dir", str(empty), "--protocol", str(lax))
    assert result.exit_code == 1 and "cannot relax a red flag" in result.output
    good = run("knowledge", "check", "--data-dir", str(empty), "--protocol", str(EXAMPLE))
    assert good.exit_code == 0, good.output
    missing = run("knowledge", "check", "--protocol", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 1 and "cannot read" in missing.output
