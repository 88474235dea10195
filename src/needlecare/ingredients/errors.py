"""Errors of the ingredient checker."""


class NotAnIngredientList(ValueError):
    """The input is not an ingredient list (empty, prose, a URL, binary, far too long, noise)."""
