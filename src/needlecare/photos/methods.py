"""The packaged list of measurement methods and their published sources (data/methods.toml)."""

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_methods() -> dict[str, dict[str, Any]]:
    text = resources.files("needlecare.photos").joinpath("data/methods.toml").read_text("utf-8")
    methods: dict[str, dict[str, Any]] = tomllib.loads(text)["methods"]
    return methods


def citation(method_id: str) -> dict[str, dict[str, str]]:
    """`{"citation": {id, formula, reference[, caveat]}}`, attached by reports to a number."""
    method = load_methods()[method_id]
    block = {"id": method_id, "formula": method["formula"], "reference": method["reference"]}
    if "caveat" in method:
        block["caveat"] = method["caveat"]
    return {"citation": block}


def ita_category(ita_degrees: float) -> str:
    """The first band (highest first) whose lower bound the angle exceeds."""
    bands = load_methods()["ita_categories"]["bands"]
    for band in sorted(bands, key=lambda b: b["above"], reverse=True):
        if ita_degrees > band["above"]:
            return str(band["name"])
    return str(min(bands, key=lambda b: b["above"])["name"])
