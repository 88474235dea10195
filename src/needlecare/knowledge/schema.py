"""Validate a knowledge data file against the JSON Schema packaged beside it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema


def load_schema(package: str, name: str) -> dict[str, Any]:
    text = resources.files(package).joinpath("data", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_errors(document: Any, package: str, schema_name: str) -> list[str]:
    """Every violation as 'path: message'; empty when the document conforms."""
    validator = jsonschema.Draft202012Validator(load_schema(package, schema_name))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
