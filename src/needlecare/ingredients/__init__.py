"""Ingredient checker: parse a printed label, recognise INCI names, flag them, judge day N.

Entry point: `check_label(text, day=0, band=None, rinse_off=False) -> dict` (the `--json`
contract of `needlecare ingredients`); raises `NotAnIngredientList` on input that is not a list.
Pure domain: no I/O beyond the packaged data in `data/`.
"""

from needlecare.ingredients.check import check_label
from needlecare.ingredients.errors import NotAnIngredientList

__all__ = ["NotAnIngredientList", "check_label"]
