"""One ingredient as the checker reads it: the printed item and what it was recognised as."""

from __future__ import annotations

from dataclasses import dataclass

from needlecare.ingredients.parsed import RawItem
from needlecare.ingredients.recognition import Recognition


@dataclass(slots=True)  # not frozen: a frozen dataclass is ~5x slower to create
class Entry:
    item: RawItem
    recognition: Recognition
    names: tuple[str, ...]  # canonical names of this entry (empty when unknown)
    from_ignored: bool = False  # an active found in text that was not read as an ingredient
