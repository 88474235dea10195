"""The rule table as Markdown, for docs/triage.md (a test keeps the doc in step with the data).

Run: .venv/bin/python -m needlecare.triage.table
"""

from __future__ import annotations

import json
from typing import Any

from needlecare.triage.engine import raw_rules


def _condition(node: Any) -> str:
    """A compact, readable rendering of a condition tree."""
    if "fact" in node:
        ops = {k: v for k, v in node.items() if k != "fact"}
        if not ops:
            return node["fact"]
        ((op, value),) = ops.items()
        symbol = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}.get(
            op, f" {op} "
        )
        shown = ", ".join(value) if isinstance(value, list) else json.dumps(value)
        return (
            f"{node['fact']}{symbol}{shown}"
            if op not in ("in", "has_any")
            else f"{node['fact']} {op} [{shown}]"
        )
    ((kind, body),) = node.items()
    if kind == "macro":
        return f"*{body}*"
    if kind == "not":
        return f"not ({_condition(body)})"
    joined = f" {'and' if kind == 'all' else 'or'} ".join(_condition(part) for part in body)
    return f"({joined})"


def markdown_table() -> str:
    document = raw_rules()
    rows = ["| Level | Code | When | Source |", "|---|---|---|---|"]
    order = ("urgent", "contact_clinic", "monitor", "expected")
    for level in order:
        for rule in document["rule"]:
            if rule["level"] == level:
                when = _condition(rule["when"]).replace("|", "\\|")
                source = rule["source"].rsplit("#", 1)[-1]  # an entry, or a source key
                rows.append(f"| {level} | `{rule['code']}` | {when} | {source} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
