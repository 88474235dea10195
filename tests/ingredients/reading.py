"""A helper the label-name tests share: one printed name read in the middle of a list."""

from __future__ import annotations

from typing import Any

from needlecare.ingredients import check_label


def read_between_known_names(label: str) -> dict[str, Any]:
    """The one ingredient read from `label` printed between two names every list knows."""
    items = check_label(f"Aqua, {label}, Glycerin")["ingredients"]
    assert [i["name"] for i in (items[0], items[-1])] == ["AQUA", "GLYCERIN"]
    assert len(items) == 3, items
    return items[1]
