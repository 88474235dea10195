"""The packaged ingredient data: schemas, citations, names, and sync with the CosIng exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from needlecare.ingredients import data
from needlecare.ingredients.build import build_all
from needlecare.ingredients.flags import flags_for
from needlecare.ingredients.prose import PROSE_WORDS
from needlecare.knowledge.citations import is_resolvable
from needlecare.knowledge.schema import schema_errors
from needlecare.knowledge.windows import windows

# shared/data beside the main checkout (/work/main -> /work/shared) or a worktree's parent.
_ROOTS = Path(__file__).resolve().parents[3:5]
SHARED = next((d for p in _ROOTS if (d := p / "shared" / "data").is_dir()), Path("shared/data"))
COSING = SHARED / "cosing"
SCHEMAS = {
    "aliases.toml": "aliases.schema.json",
    "flags.toml": "flags.schema.json",
    "comedogenic.toml": "comedogenic.schema.json",
    "inventory.json": "inventory.schema.json",
    "annexes.json": "annexes.schema.json",
    "loose.json": "loose.schema.json",
    "inventory_additions.toml": "inventory_additions.schema.json",
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_data_file_matches_its_schema(name: str) -> None:
    assert schema_errors(data.document(name), "needlecare.ingredients", SCHEMAS[name]) == []


def _citations(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = list(node.get("cite", [])) if isinstance(node.get("cite"), list) else []
        return found + [c for key, v in node.items() if key != "cite" for c in _citations(v)]
    if isinstance(node, list):
        return [c for v in node for c in _citations(v)]
    return []


@pytest.mark.parametrize("name", ["aliases.toml", "flags.toml", "comedogenic.toml"])
def test_every_citation_resolves(name: str) -> None:
    cited = _citations(data.document(name))
    assert cited
    assert [c for c in cited if not is_resolvable(c)] == []


def test_every_flag_and_every_rule_cites_a_source() -> None:
    doc = data.flags_document()
    assert all(item["cite"] for item in doc["flags"].values())
    assert all(rule["cite"] for rule in [*doc["rules"], *doc["not"]])


def test_required_vocabulary_is_defined() -> None:
    required = {
        "retinoid",
        "aha",
        "bha",
        "pha",
        "vitamin_c",
        "benzoyl_peroxide",
        "physical_exfoliant",
        "fragrance",
        "essential_oil",
        "drying_alcohol",
        "sunscreen_filter",
        "soothing",
        "comedogenic",
    }
    assert required <= set(data.flags_document()["flags"])


def test_every_flag_window_exists_in_the_knowledge_windows() -> None:
    known = windows()
    for flag, item in data.flags_document()["flags"].items():
        if "window" in item:
            assert item["window"] in known, flag


def test_rules_name_only_known_flags_and_known_ingredients() -> None:
    doc = data.flags_document()
    known_names = set(data.inventory().names) | data.drug_names()
    for rule in [*doc["rules"], *doc["not"]]:
        assert rule["flag"] in doc["flags"]
        unknown = [n for n in rule.get("names", []) if n not in known_names]
        assert unknown == [], (rule["flag"], unknown)
        for pattern in rule.get("patterns", []):
            re.compile(pattern)


def test_look_alike_exclusions_hold_wherever_they_sit() -> None:
    from needlecare.ingredients.flags import Where

    for item in data.flags_document()["not"]:
        for name in item["names"]:
            flags = {hit.flag for hit in flags_for(name, Where(0, 1, 50.0))}
            assert item["flag"] not in flags, (name, item["flag"])


def test_alias_targets_are_known_names() -> None:
    known = set(data.inventory().names) | data.drug_names()
    bad = {k: v for k, v in data.aliases().items() if not set(v) <= known}
    assert bad == {}


def test_prose_words_never_occur_in_an_inci_name() -> None:
    """The words used to spot sentences and claims can never drop a real name."""
    words = {w for name in data.inventory().names for w in re.findall(r"[A-Z]+", name)}
    assert PROSE_WORDS & words == set()


def test_comedogenic_ratings_name_known_ingredients() -> None:
    ratings = data.comedogenic_document()["ratings"]
    assert set(ratings) <= set(data.inventory().names)


@pytest.mark.skipif(not COSING.is_dir(), reason="shared CosIng exports not present")
def test_shipped_cosing_data_is_in_sync_with_the_exports() -> None:
    """Rebuild inventory.json and annexes.json from shared/data/cosing and compare byte for byte."""
    texts = [
        (COSING / n).read_text("utf-8") for n in ("inventory.csv", "annex_III.csv", "annex_VI.csv")
    ]
    additions = data.read_data("inventory_additions.toml").decode("utf-8")
    for name, text in build_all(*texts, additions_toml=additions).items():
        assert data.read_data(name).decode("utf-8") == text, f"{name}: run ingredients-build-data"


def test_the_compiled_toml_copy_is_in_sync_and_a_changed_source_is_parsed_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """data/compiled_toml.json saves start-up time only: it must equal the TOML files (refresh
    with `needlecare ingredients-compile-toml`), and an edited TOML file is never read stale."""
    import tomllib

    from needlecare.ingredients.build import COMPILED_TOML, TOML_FILES, build_compiled_toml

    sources = {name: data.read_data(name).decode("utf-8") for name in TOML_FILES}
    shipped = data.read_data(COMPILED_TOML).decode("utf-8")
    assert shipped == build_compiled_toml(sources), "run: needlecare ingredients-compile-toml"
    for name, source in sources.items():  # equal, in the same order (order is data too)
        assert json.dumps(data.document(name)) == json.dumps(tomllib.loads(source))
    edited = sources["comedogenic.toml"] + "\nzz_edited_after_the_build = 1\n"
    real_read = data.read_data
    monkeypatch.setattr(
        data, "read_data", lambda n: edited.encode() if n == "comedogenic.toml" else real_read(n)
    )
    fresh = data.document("comedogenic.toml")
    assert fresh == tomllib.loads(edited) and fresh != tomllib.loads(sources["comedogenic.toml"])
