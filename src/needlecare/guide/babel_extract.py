"""Babel extractors for the text of knowledge data files (used by needlecare.translation).

Page titles, summaries, headings, statements and actions, and window labels and conditions are
user-facing English: they go into messages.pot beside the strings marked with _() in code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from typing import IO, Any

TRANSLATABLE_KEYS = frozenset(
    {"title", "summary", "heading", "text", "action", "label", "condition"}
)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in TRANSLATABLE_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def extract_toml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    for text in _strings(tomllib.loads(source)):
        needle = text[:40]
        number = next((i + 1 for i, line in enumerate(lines) if needle in line), 0)
        yield number, None, text, []


# Knowledge texts outside the guide (triage rules, timeline, ingredient flags). A text inside a
# table that has a stable `code` is extracted with that code as its context (pgettext), so the
# code that shows it translates with `translate_text(locale, text, code)`.
CODED_KEYS = TRANSLATABLE_KEYS | {
    "advice",
    "care",
    "expected",
    "name",
    "reason",
    "strength",
    "staff_text",
}


def _coded_strings(node: Any, code: str | None = None) -> Iterator[tuple[str | None, str]]:
    if isinstance(node, Mapping):
        here = node.get("code") if isinstance(node.get("code"), str) else code
        for key, value in node.items():
            if key in CODED_KEYS and isinstance(value, str):
                yield here, value
            elif (
                key in CODED_KEYS
                and isinstance(value, list)
                and all(isinstance(item, str) for item in value)
            ):
                yield from ((here, item) for item in value)
            else:
                yield from _coded_strings(value, here)
    elif isinstance(node, list):
        for value in node:
            yield from _coded_strings(value, code)


def extract_coded_toml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    for code, text in _coded_strings(tomllib.loads(source)):
        needle = text[:40]
        number = next((i + 1 for i, line in enumerate(lines) if needle in line), 0)
        if code:
            yield number, "pgettext", (code, text), []
        else:
            yield number, None, text, []


def extract_reference_titles(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    """The titles of the clinical reference's entries (reference.md), each with its entry id
    as context: they are shown beside every citation (guide, sheet, report). The entries'
    bodies are the clinicians' reference and stay English (the sources page says so)."""
    from needlecare.knowledge.citations import ENTRY_HEADING

    source = fileobj.read().decode("utf-8")
    for match in ENTRY_HEADING.finditer(source):
        number = source.count("\n", 0, match.start()) + 1
        yield number, "pgettext", (match["id"], match["title"].strip()), []
