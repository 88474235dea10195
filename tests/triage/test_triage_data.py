"""The rule and expectation files follow their schemas, cite real entries, and compile."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _interpret(node: dict[str, Any], facts: dict[str, Any]) -> bool:
    """A plain reference interpreter of the condition language, to check the compiler."""
    if "fact" in node:
        value = facts[node["fact"]]
        ops = {k: v for k, v in node.items() if k != "fact"}
        if not ops:
            return bool(value)
        ((op, arg),) = ops.items()
        tests = {
            "eq": lambda: value == arg,
            "ne": lambda: value != arg,
            "lt": lambda: value < arg,
            "le": lambda: value <= arg,
            "gt": lambda: value > arg,
            "ge": lambda: value >= arg,
            "in": lambda: value in arg,
            "has": lambda: arg in value,
            "has_any": lambda: any(a in value for a in arg),
        }
        return bool(tests[op]())
    ((kind, body),) = node.items()
    if kind == "all":
        return all(_interpret(part, facts) for part in body)
    if kind == "any":
        return any(_interpret(part, facts) for part in body)
    return not _interpret(body, facts)


_COMPARE = st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"])
_KINDS = st.lists(st.sampled_from(["milia", "cysts", "unknown"]), min_size=1)
_HISTORY = st.lists(st.sampled_from(["hsv", "eczema", "keloid"]), min_size=1)
_leaf = st.one_of(
    st.builds(lambda: {"fact": "fever"}),
    st.builds(lambda n, op: {"fact": "pain", op: n}, st.integers(0, 10), _COMPARE),
    st.builds(lambda kinds: {"fact": "breakouts_kind", "in": kinds}, _KINDS),
    st.builds(lambda h: {"fact": "history", "has": h}, st.sampled_from(["hsv", "eczema"])),
    st.builds(lambda hs: {"fact": "history", "has_any": hs}, _HISTORY),
)
_conditions = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=8,
)
_facts = st.fixed_dictionaries(
    {
        "fever": st.booleans(),
        "pain": st.integers(0, 10),
        "breakouts_kind": st.sampled_from(["milia", "cysts", "unknown", "whiteheads"]),
        "history": st.frozensets(st.sampled_from(["hsv", "eczema", "keloid", "diabetes"])),
    }
)


@settings(max_examples=300, deadline=None)
@given(_conditions, _facts)
def test_compiled_conditions_agree_with_a_plain_interpreter(
    node: Any, facts: dict[str, Any]
) -> None:
    assert compile_condition(node, KNOWN_FACTS)(facts) is _interpret(node, facts)
