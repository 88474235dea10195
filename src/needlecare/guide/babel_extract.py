"""A Babel extractor for the text of knowledge data files (pybabel extract -F babel.cfg).

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
