"""The clinical reference that every rule cites, and a resolver for citations.

A citation is either an entry of the packaged clinical reference (`reference.md#AE-04`) or a
source key: from `sources.md` (the reference's bibliography, e.g. `chu2021`) or from
`extra_sources.toml` (published sources cited by product data but not by the reference).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

REFERENCE_FILE = "reference.md"
ENTRY_HEADING = re.compile(r"^\*\*(?P<id>[A-Z]{2}-\d{2}) (?P<title>[^*]+?)\.?\*\*", re.MULTILINE)
_SOURCE_HEADING = re.compile(r"^### (?P<key>[a-z0-9_]+)\b", re.MULTILINE)
_CONFIDENCE = re.compile(r"Confidence:\s*(?P<level>high|moderate|low)", re.IGNORECASE)


class UnknownCitation(LookupError):
    """A citation that names no entry of the reference and no known source."""


@dataclass(frozen=True)
class ReferenceEntry:
    id: str
    title: str
    text: str
    sources: tuple[str, ...]
    confidence: str

    @property
    def citation(self) -> str:
        return f"{REFERENCE_FILE}#{self.id}"


@dataclass(frozen=True)
class Source:
    key: str
    text: str
    url: str | None = None


def _read(name: str) -> str:
    return resources.files("needlecare.knowledge").joinpath("data", name).read_text("utf-8")


@cache
def reference_entries() -> dict[str, ReferenceEntry]:
    text = _read(REFERENCE_FILE)
    known_sources = sources()
    matches = list(ENTRY_HEADING.finditer(text))
    entries: dict[str, ReferenceEntry] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        body = text[match.end() : end].split("\n## ", 1)[0].strip()
        sources_line = re.search(r"Sources?:\s*(.+?)\.\s*(?:Confidence|$)", body, re.DOTALL)
        words = re.findall(r"\b[a-z][a-z0-9_]+\b", sources_line[1]) if sources_line else []
        keys = tuple(dict.fromkeys(w for w in words if w in known_sources))
        confidence = _CONFIDENCE.search(body)
        entries[match["id"]] = ReferenceEntry(
            id=match["id"],
            title=match["title"].strip(),
            text=" ".join(body.split()),
            sources=keys,
            confidence=confidence["level"].lower() if confidence else "low",
        )
    return entries


def reference_title(locale: str | None, entry: ReferenceEntry) -> str:
    """An entry's title in `locale`: a catalogue message whose context is the entry id."""
    from needlecare.i18n import translate_text  # Babel: not for the readers of citations alone

    return translate_text(locale, entry.title, entry.id)


@cache
def sources() -> dict[str, Source]:
    found: dict[str, Source] = {}
    text = _read("sources.md")
    headings = list(_SOURCE_HEADING.finditer(text))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        end = following.start() if following else len(text)
        body = text[heading.end() : end]
        first_item = re.search(r"^- (.+)$", body, re.MULTILINE)
        found[heading["key"]] = Source(heading["key"], first_item[1] if first_item else "")
    extra = tomllib.loads(_read("extra_sources.toml"))
    for key, item in extra["sources"].items():
        found[key] = Source(key, item["citation"], item.get("url"))
    return found


def resolve(citation: str) -> ReferenceEntry | Source:
    """Return what a citation points at, or raise UnknownCitation."""
    if citation.startswith(f"{REFERENCE_FILE}#"):
        entry = reference_entries().get(citation.split("#", 1)[1])
        if entry is None:
            raise UnknownCitation(citation)
        return entry
    source = sources().get(citation)
    if source is None:
        raise UnknownCitation(citation)
    return source


def is_resolvable(citation: str) -> bool:
    try:
        resolve(citation)
    except UnknownCitation:
        return False
    return True
