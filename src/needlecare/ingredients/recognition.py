"""What a printed name was read as, and the look-up of one normalised key in the data
(exact INCI or drug name, alias, or the loose key of a known name)."""

from __future__ import annotations

from dataclasses import dataclass

from needlecare.ingredients import data
from needlecare.ingredients.text import loose_key


@dataclass(frozen=True)
class Recognition:
    names: tuple[str, ...]  # canonical names; empty when unknown
    match: str | None  # "exact" | "alias" | "fuzzy" | None
    confidence: float
    extra: tuple[tuple[str, ...], ...] = ()  # further ingredients listed inside brackets

    @property
    def recognized(self) -> bool:
        return bool(self.names)

    @property
    def name(self) -> str | None:
        return "/".join(self.names) if self.names else None


UNKNOWN = Recognition((), None, 0.0)


def lookup(key: str) -> tuple[tuple[str, ...], str] | None:
    key = key.strip(" .,;:")
    if not key:
        return None
    targets = data.aliases().get(key)
    if targets:
        return targets, "alias"
    if key in data.inventory().names or key in data.drug_names():
        return (key,), "exact"
    loose = data.loose_index().get(loose_key(key) or "\x00")
    if loose is not None:
        return lookup_exact_or_alias(loose)
    for with_dot in (key + ".",):  # "ALCOHOL DENAT" printed without its final dot
        if with_dot in data.inventory().names:
            return (with_dot,), "exact"
    return None


def lookup_exact_or_alias(name: str) -> tuple[tuple[str, ...], str]:
    targets = data.aliases().get(name)
    return (targets, "alias") if targets else ((name,), "exact")
