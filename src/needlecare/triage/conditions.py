"""The rule condition language, compiled once into Python code.

A condition is a small TOML tree (see the header of data/rules.toml): `all`, `any`, `not`,
`macro`, or a test on one fact (`fact` with at most one of eq ne lt le gt ge in has has_any).
Compiling checks every fact name, operator and value type, so a typo in the data fails at load,
not silently at triage time. Each condition becomes one Python expression; a rule set becomes
one function that reads each fact once into a local and tests every rule in order. That is
several times faster than a tree of closures, which matters at 20,000 check-ins a second.
Only identifiers we checked and literals we rendered with repr() reach the generated code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Facts = Mapping[str, Any]
Predicate = Callable[[Facts], bool]

_COMPARISONS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_OPERATORS = frozenset({*_COMPARISONS, "in", "has", "has_any"})
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


class ConditionError(ValueError):
    """A rule condition that does not follow the condition language."""


def _literal(value: Any, where: str) -> str:
    if type(value) not in (int, str, bool):
        raise ConditionError(f"{where}: values must be whole numbers, text or true/false")
    return repr(value)


def _set_literal(values: Any, where: str) -> str:
    if not isinstance(values, list) or not values:
        raise ConditionError(f"{where}: needs a non-empty list")
    return "{" + ", ".join(_literal(v, where) for v in values) + "}"


class _Compiler:
    def __init__(self, known_facts: frozenset[str], macros: Sequence[str]) -> None:
        self.known_facts = known_facts
        self.macros = set(macros)
        self.used: dict[str, None] = {}  # facts read, in first-use order

    def fact(self, node: Mapping[str, Any], where: str) -> str:
        key = node["fact"]
        if not isinstance(key, str) or key not in self.known_facts or not _IDENTIFIER.match(key):
            raise ConditionError(f"{where}: unknown fact {key!r}")
        self.used[key] = None
        name = f"v_{key}"
        ops = [op for op in node if op != "fact"]
        if len(ops) > 1 or any(op not in _OPERATORS for op in ops):
            raise ConditionError(
                f"{where}: a fact test takes one of {sorted(_OPERATORS)}, got {ops}"
            )
        if not ops:
            return name
        op = ops[0]
        value = node[op]
        if op == "in":
            return f"({name} in {_set_literal(value, where)})"
        if op == "has_any":
            return f"(not {name}.isdisjoint({_set_literal(value, where)}))"
        if op == "has":
            return f"({_literal(value, where)} in {name})"
        return f"({name} {_COMPARISONS[op]} {_literal(value, where)})"

    def expression(self, node: Any, where: str) -> str:
        if not isinstance(node, Mapping) or not node:
            raise ConditionError(f"{where}: a condition must be a non-empty table")
        if "fact" in node:
            return self.fact(node, where)
        if len(node) != 1:
            raise ConditionError(f"{where}: use exactly one of all, any, not, macro, fact")
        ((kind, body),) = node.items()
        if kind in ("all", "any"):
            if not isinstance(body, list) or not body:
                raise ConditionError(f"{where}: {kind} needs a non-empty list")
            parts = [self.expression(p, f"{where}.{kind}[{i}]") for i, p in enumerate(body)]
            return "(" + (" and " if kind == "all" else " or ").join(parts) + ")"
        if kind == "not":
            return f"(not {self.expression(body, f'{where}.not')})"
        if kind == "macro":
            if body not in self.macros:
                raise ConditionError(f"{where}: unknown macro {body!r} (define it before use)")
            return f"m_{body}"
        raise ConditionError(f"{where}: unknown condition {kind!r}")


def compile_rule_set(
    macros: Mapping[str, Any],
    conditions: Sequence[tuple[str, Any]],
    known_facts: frozenset[str],
) -> Callable[[Facts], list[int]]:
    """One function: facts -> indexes (into `conditions`) of the conditions that hold.

    `macros` are named conditions, each usable by later macros and by every condition.
    `conditions` are (where, condition tree) pairs; `where` is only used in error messages.
    """
    compiler = _Compiler(known_facts, ())
    macro_lines = []
    for name, node in macros.items():
        if not _IDENTIFIER.match(name):
            raise ConditionError(f"macros.{name}: a macro name must be snake_case")
        macro_lines.append(f"    m_{name} = {compiler.expression(node, f'macros.{name}')}")
        compiler.macros.add(name)
    rule_lines = []
    for index, (where, node) in enumerate(conditions):
        rule_lines.append(
            f"    if {compiler.expression(node, where)}:\n        fired.append({index})"
        )
    reads = [f"    v_{key} = facts[{key!r}]" for key in compiler.used]
    source = "\n".join(
        [
            "def fired_conditions(facts):",
            *reads,
            *macro_lines,
            "    fired = []",
            *rule_lines,
            "    return fired",
        ]
    )
    namespace: dict[str, Any] = {}
    # The source holds only checked identifiers and repr() literals from packaged rule data.
    code = compile(source, "<needlecare triage rules>", "exec")
    exec(code, {"__builtins__": {}}, namespace)  # noqa: S102  # nosec B102
    function: Callable[[Facts], list[int]] = namespace["fired_conditions"]
    return function


def compile_condition(
    node: Any, known_facts: frozenset[str], macros: Mapping[str, Any] | None = None
) -> Predicate:
    """A single condition as a predicate (used by tests and tools, not the hot path)."""
    check = compile_rule_set(macros or {}, [("condition", node)], known_facts)
    return lambda facts: bool(check(facts))
