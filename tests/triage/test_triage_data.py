"""The rule and expectation files follow their schemas, cite real entries, and compile."""

from __future__ import annotations

from typing import Any

import pytest

from needlecare.knowledge.citations import is_resolvable
from needlecare.knowledge.schema import schema_errors
from needlecare.triage.conditions import ConditionError, compile_condition
from needlecare.triage.engine import raw_rules
from needlecare.triage.facts import KNOWN_FACTS, raw_expectations


def test_rules_follow_their_schema() -> None:
    assert schema_errors(raw_rules(), "needlecare.triage", "rules.schema.json") == []


def test_expectations_follow_their_schema_and_cite_real_entries() -> None:
    document = raw_expectations()
    assert schema_errors(document, "needlecare.triage", "expectations.schema.json") == []
    for band in document["bands"].values():
        assert all(is_resolvable(citation) for citation in band["cite"])


def test_rule_codes_are_stable_unique_snake_case() -> None:
    codes = [rule["code"] for rule in raw_rules()["rule"]]
    assert len(codes) == len(set(codes))


def test_every_source_resolves() -> None:
    document = raw_rules()
    sources = [rule["source"] for rule in document["rule"]]
    sources += [level["source"] for level in document["levels"].values()]
    assert all(is_resolvable(source) for source in sources)


def test_slower_bands_allow_at_least_as_much_as_faster_ones() -> None:
    bands = raw_expectations()["bands"]
    for faster, slower in (("S", "M"), ("M", "D"), ("D", "VD")):
        for score in ("redness", "swelling", "pain"):
            assert all(
                a <= b for a, b in zip(bands[faster][score], bands[slower][score], strict=True)
            )
        assert bands[faster]["flaking_until"] <= bands[slower]["flaking_until"]
        assert bands[faster]["redness_review_after"] <= bands[slower]["redness_review_after"]


@pytest.mark.parametrize("node", [
    {"fact": "fevr"},
    {"fact": "pain", "ge": 3, "le": 5},
    {"fact": "pain", "around": 3},
    {"fact": "pain", "ge": 2.5},
    {"all": []},
    {"macro": "nothing"},
    {"sometimes": [{"fact": "fever"}]},
    {"fact": "history", "has_any": "hsv"},
])  # fmt: skip
def test_a_bad_condition_fails_at_load(node: dict[str, Any]) -> None:
    with pytest.raises(ConditionError):
        compile_condition(node, KNOWN_FACTS)


def test_conditions_mean_what_they_say() -> None:
    facts = {"pain": 4, "history": frozenset({"hsv"}), "device": "rf", "fever": False}
    check = lambda node: compile_condition(node, KNOWN_FACTS)(facts)  # noqa: E731
    assert check({"fact": "pain", "ge": 4}) and not check({"fact": "pain", "gt": 4})
    assert check({"fact": "history", "has": "hsv"}) and not check(
        {"fact": "history", "has": "keloid"}
    )
    assert check({"fact": "history", "has_any": ["keloid", "hsv"]})
    assert check({"fact": "device", "in": ["rf", "pen"]}) and not check({"fact": "fever"})
    assert check({"any": [{"fact": "fever"}, {"not": {"fact": "fever"}}]})
    assert not check({"all": [{"fact": "pain", "ge": 1}, {"fact": "fever"}]})


def test_the_rule_table_in_the_docs_is_current() -> None:
    from pathlib import Path

    from needlecare.triage.table import markdown_table

    doc = (Path(__file__).parents[2] / "docs" / "triage.md").read_text("utf-8")
    current = doc.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    assert current == markdown_table(), "run: .venv/bin/python -m needlecare.triage.table"
