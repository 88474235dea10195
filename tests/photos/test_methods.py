"""The packaged methods file: valid against its schema, every formula sourced, ITA bands sane."""

import json
import tomllib
from importlib import resources

import jsonschema
import pytest

from needlecare.photos.methods import citation, ita_category, load_methods


def test_methods_file_matches_its_schema() -> None:
    base = resources.files("needlecare.photos").joinpath("data")
    schema = json.loads(base.joinpath("methods.schema.json").read_text("utf-8"))
    data = tomllib.loads(base.joinpath("methods.toml").read_text("utf-8"))
    jsonschema.validate(data, schema)


@pytest.mark.parametrize("method_id", sorted(load_methods()))
def test_every_method_cites_a_source_with_a_year(method_id: str) -> None:
    block = citation(method_id)["citation"]
    assert block["id"] == method_id
    assert any(str(year) in block["reference"] for year in range(1970, 2027))


@pytest.mark.parametrize(
    ("angle", "category"),
    [
        (80, "very light"),
        (55.1, "very light"),
        (55, "light"),
        (41.5, "light"),
        (30, "intermediate"),
        (28.01, "intermediate"),
        (12, "tan"),
        (0, "brown"),
        (-30, "dark"),
        (-85, "dark"),
        (-90, "dark"),
    ],
)
def test_ita_bands(angle: float, category: str) -> None:
    assert ita_category(angle) == category
