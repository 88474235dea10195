"""needlecare triage: JSON in on stdin; readable, --json or --jsonl out; exit 2 on bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from needlecare.cli import app

runner = CliRunner()
FEVER = {"day": 3, "treatment": {"depth_mm": 1.0, "device": "pen"}, "symptoms": {"fever": True}}


def test_json_prints_the_contract() -> None:
    result = runner.invoke(
        app, ["triage", "--json", "--today", "2026-11-25"], input=json.dumps(FEVER)
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["level"] == "contact_clinic"


def test_readable_output_leads_with_the_action() -> None:
    checkin = {**FEVER, "symptoms": {"breathing_difficulty": True}}
    result = runner.invoke(app, ["triage"], input=json.dumps(checkin))
    assert result.exit_code == 0
    assert result.stdout.startswith("URGENT") and "emergency services" in result.stdout


def test_invalid_input_names_each_field_and_exits_2() -> None:
    bad = {"day": "three", "symptoms": {"redness": 9, "wobbly": True}}
    result = runner.invoke(app, ["triage", "--json"], input=json.dumps(bad))
    assert result.exit_code == 2
    for field in ("day", "symptoms.redness", "symptoms.wobbly"):
        assert f"error: {field}:" in result.stderr
    assert "Traceback" not in result.output


def test_malformed_or_empty_input_exits_2() -> None:
    for text in ("{not json", "", "[1, 2"):
        result = runner.invoke(app, ["triage"], input=text)
        assert result.exit_code == 2 and result.stderr.startswith("error:"), text


def test_jsonl_keeps_going_after_a_bad_line() -> None:
    lines = [
        json.dumps(FEVER),
        "{oops",
        json.dumps({"day": 2, "symptoms": {"itch": 7}}),
        json.dumps(FEVER),
    ]
    result = runner.invoke(app, ["triage", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in item) for item in out] == [False, True, True, False]
    assert out[1]["line"] == 2 and out[2]["errors"][0]["field"] == "symptoms.itch"


def test_future_treatment_date_is_refused_against_today() -> None:
    checkin = {"treatment": {"date": "2026-12-24"}, "day": 0}
    result = runner.invoke(app, ["triage", "--today", "2026-11-25"], input=json.dumps(checkin))
    assert result.exit_code == 2 and "treatment.date" in result.stderr
