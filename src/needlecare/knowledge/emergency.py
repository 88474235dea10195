"""The one emergency number per clinic country (data/emergency_numbers.toml, with sources)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class EmergencyNumber:
    country: str
    name: str
    number: str
    cite: tuple[str, ...]


def raw_document() -> dict[str, Any]:
    text = resources.files("needlecare.knowledge").joinpath("data", "emergency_numbers.toml")
    return tomllib.loads(text.read_text("utf-8"))


@cache
def emergency_numbers() -> dict[str, EmergencyNumber]:
    """Country code -> its number, in the data file's order."""
    return {
        code: EmergencyNumber(code, item["name"], item["number"], tuple(item["cite"]))
        for code, item in raw_document()["countries"].items()
    }


def emergency_number(country: str | None) -> EmergencyNumber | None:
    """The number for a clinic's country; None when the country is not set or not known."""
    if not country:
        return None
    return emergency_numbers().get(country.upper())
