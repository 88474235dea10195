"""Checking one field of a person's input in words they can act on: each check adds an
error ({"field", "message"}) to a `Collector` and returns what can be used (or None), so
that a validator collects every problem instead of stopping at the first. Used by the
check-in validator (`validate.py`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from needlecare.triage.vocabulary import MAX_TEXT


def is_int(value: object) -> bool:
    return type(value) is int  # bool is a subclass of int and is not a score


def describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "text" if len(value) > 40 else repr(value)
    return type(value).__name__ if isinstance(value, (dict, list)) else repr(value)


class Collector:
    """The errors found so far; each check returns the usable value or None."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def unknown(self, prefix: str, data: dict[Any, Any], allowed: frozenset[str]) -> None:
        for key in data:
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                self.add(f"{prefix}{key}", f"is not a known field (known: {names})")

    def section(self, data: Any, name: str) -> dict[Any, Any]:
        if name not in data:
            return {}
        section = data[name]
        if not isinstance(section, dict):
            self.add(name, f"must be an object, not {describe(section)}")
            return {}
        return section

    def integer(self, field: str, value: object, low: int, high: int) -> int | None:
        if not is_int(value):
            self.add(field, f"must be a whole number from {low} to {high}, not {describe(value)}")
            return None
        assert isinstance(value, int)
        if not low <= value <= high:
            self.add(field, f"must be from {low} to {high}, not {value}")
            return None
        return value

    def boolean(self, field: str, value: object) -> bool:
        if type(value) is not bool:
            self.add(field, f"must be true or false, not {describe(value)}")
            return False
        return value

    def choice(self, field: str, value: object, choices: tuple[str, ...]) -> str | None:
        if not isinstance(value, str) or value not in choices:
            self.add(field, f"must be one of {', '.join(choices)}, not {describe(value)}")
            return None
        return value

    def choices(self, field: str, value: object, choices: tuple[str, ...]) -> frozenset[str]:
        if type(value) is list and all(type(v) is str and v in choices for v in value):
            return frozenset(value)  # the common, valid case
        if not isinstance(value, list):
            self.add(field, f"must be a list of {', '.join(choices)}, not {describe(value)}")
            return frozenset()
        found = set()
        for index, item in enumerate(value):
            picked = self.choice(f"{field}[{index}]", item, choices)
            if picked is not None:
                found.add(picked)
        return frozenset(found)

    def text(self, field: str, value: object) -> str | None:
        if not isinstance(value, str):
            self.add(field, f"must be text, not {describe(value)}")
            return None
        if len(value) > MAX_TEXT:
            self.add(field, f"is too long (at most {MAX_TEXT} characters)")
            return None
        return value


def parse_date(errors: Collector, field: str, value: object) -> date | None:
    if isinstance(value, datetime):  # a datetime is a date, but cannot be compared with one
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(field, f"must be a date written YYYY-MM-DD, not {describe(value)}")
    return None
