import json
import shutil
from importlib import resources
from pathlib import Path

from needlecare.guide.check import check, discover, package_files

GUIDE_DATA = resources.files("needlecare.guide").joinpath("data")
RULES_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["rules"],
    "properties": {
        "rules": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "cite"]},
        }
    },
}


def write_rules(folder: Path, body: str) -> None:
    (folder / "rules.schema.json").write_text(json.dumps(RULES_SCHEMA))
    (folder / "rules.toml").write_text(body)


def copy_pages(folder: Path) -> Path:
    pages = folder / "pages"
    pages.mkdir()
    shutil.copy(GUIDE_DATA / "pages.schema.json", folder / "pages.schema.json")
    for item in GUIDE_DATA.joinpath("pages").iterdir():
        shutil.copy(item, pages / item.name)
    return pages


def problems(folder: Path) -> list[str]:
    return [str(p) for p in check(list(discover(folder))).problems]


def test_the_packaged_guide_and_knowledge_files_pass():
    ours = [f for f in package_files() if f.name.startswith(("guide/", "knowledge/"))]
    names = {f.name for f in ours}
    assert "knowledge/data/windows.toml" in names
    assert "guide/data/pages/aftercare.toml" in names
    assert "guide/data/protocols/example-clinic.toml" in names
    report = check(ours)
    assert report.problems == []
    assert report.citations > 100


def test_data_files_are_found_by_the_sibling_schema_convention(tmp_path):
    write_rules(tmp_path, '[[rules]]\nid = "r1"\ncite = ["reference.md#AE-01"]\n')
    (tmp_path / "notes.toml").write_text('cite = ["nobody1999"]\n')  # no schema: not data
    found = [f.name for f in discover(tmp_path)]
    assert found == ["rules.toml"]
    assert problems(tmp_path) == []


def test_a_citation_that_does_not_resolve_is_reported(tmp_path):
    write_rules(tmp_path, '[[rules]]\nid = "r1"\ncite = ["reference.md#AE-99", "chu2021"]\n')
    (problem,) = problems(tmp_path)
    assert "rules.toml" in problem and "'reference.md#AE-99' does not resolve" in problem


def test_schema_violations_and_unreadable_files_are_reported(tmp_path):
    write_rules(tmp_path, '[[rules]]\nid = "r1"\n')
    assert any("'cite' is a required property" in p for p in problems(tmp_path))
    (tmp_path / "rules.toml").write_text("rules = [")
    assert any("cannot be parsed" in p for p in problems(tmp_path))


def test_a_rule_that_states_another_day_than_windows_toml_is_a_contradiction(tmp_path):
    write_rules(
        tmp_path,
        '[[rules]]\nid = "r1"\nwindow = "vitamin_c"\nresume_day = 5\n'
        'cite = ["reference.md#AC-08"]\n'
        '[[rules]]\nid = "r2"\nwindow = "detox"\ncite = ["reference.md#AC-08"]\n',
    )
    found = problems(tmp_path)
    assert any("states day 5 for window 'vitamin_c'" in p and "says 7" in p for p in found)
    assert any("unknown window 'detox'" in p for p in found)


def test_a_page_that_types_a_window_day_is_a_contradiction(tmp_path):
    pages = copy_pages(tmp_path)
    assert problems(tmp_path) == []
    text = (pages / "aftercare.toml").read_text()
    broken = text.replace("No makeup until {day:makeup}.", "No makeup until day 1.")
    assert broken != text
    (pages / "aftercare.toml").write_text(broken)
    (problem,) = problems(tmp_path)
    assert "'day 1'" in problem and "AC-04" in problem and "{day:WINDOW}" in problem


def test_a_page_placeholder_must_name_a_window(tmp_path):
    pages = copy_pages(tmp_path)
    text = (pages / "aftercare.toml").read_text().replace("{day:makeup}", "{day:make_up}")
    (pages / "aftercare.toml").write_text(text)
    assert any("unknown window 'make_up'" in p for p in problems(tmp_path))


def test_a_loosening_protocol_file_is_reported(tmp_path):
    folder = tmp_path / "protocols"
    folder.mkdir()
    shutil.copy(GUIDE_DATA / "protocols.schema.json", tmp_path / "protocols.schema.json")
    (folder / "lax.toml").write_text(
        'schema_version = 1\nname = "Lax clinic"\nversion = 1\n'
        '[windows.retinoid]\nresume_day = 2\n[triage]\nfever = "monitor"\n'
    )
    found = problems(tmp_path)
    assert any("never loosen" in p and "retinoid" in p for p in found)
    assert any("cannot relax a red flag" in p for p in found)


def test_a_warning_sign_without_an_action_is_reported(tmp_path):
    pages = copy_pages(tmp_path)
    text = (pages / "warning-signs.toml").read_text()
    broken = text.replace('action = "Call emergency services now."\n', "", 1)
    (pages / "warning-signs.toml").write_text(broken)
    found = problems(tmp_path)
    assert any("warning-signs.toml" in p and "needs a level and an action" in p for p in found)


def test_page_days_beside_a_rule_entry_must_match_the_rule_file(tmp_path):
    copy_pages(tmp_path)
    schema = {"type": "object", "required": ["bands"]}
    (tmp_path / "expectations.schema.json").write_text(json.dumps(schema))

    def expectations(clear_after_deep: int) -> str:
        rows = [("S", 7), ("M", 7), ("D", clear_after_deep), ("VD", clear_after_deep)]
        return "".join(f"[bands.{b}]\nredness_clear_after = {d}\n" for b, d in rows)

    (tmp_path / "expectations.toml").write_text(expectations(10))
    assert problems(tmp_path) == []
    (tmp_path / "expectations.toml").write_text(expectations(14))
    found = problems(tmp_path)
    assert found and all("reference.md#AE-11" in p and "[7, 14]" in p for p in found)
    assert any("warning-signs.toml" in p for p in found)


def test_a_file_that_is_not_text_is_reported_not_raised(tmp_path):
    write_rules(tmp_path, "")
    (tmp_path / "rules.toml").write_bytes(b"\xff\xfe\x00 not utf-8")
    (problem,) = problems(tmp_path)
    assert "cannot be read as UTF-8" in problem


def _rules_file(folder: Path, rules: list[tuple[str, str]]) -> None:
    (folder / "rules.schema.json").write_text(json.dumps({"type": "object"}))
    body = "".join(f'[[rule]]\nlevel = "{level}"\nsource = "{entry}"\n' for level, entry in rules)
    (folder / "rules.toml").write_text(body)


def test_page_levels_must_agree_with_triage_rules(tmp_path):
    copy_pages(tmp_path)
    both = [1, 9, 13, 15, 16]  # entries with a same-day and an emergency branch
    every_urgent = (
        [("urgent", f"reference.md#AE-{n:02d}") for n in (*both, 5, 14)]
        + [("contact_clinic", f"reference.md#AE-{n:02d}") for n in (*both, 4, 7, 8, 12)]
        + [("monitor", "reference.md#AE-06")]
    )
    _rules_file(tmp_path, every_urgent)
    assert problems(tmp_path) == []
    # triage can never reach urgent for RF burns, but the guide names one: a contradiction
    _rules_file(tmp_path, [("contact_clinic", "reference.md#AE-15")])
    (problem,) = problems(tmp_path)
    assert "says 'urgent' for reference.md#AE-15" in problem and "could never confirm" in problem
    # a guide that advises less than every triage rule does is under-triage
    _rules_file(tmp_path, [("contact_clinic", "reference.md#AE-10")])
    (problem,) = problems(tmp_path)
    assert "says 'monitor' for reference.md#AE-10, below every triage rule" in problem
