"""Search the education pages: case- and accent-insensitive, word-prefix matching.

Every query word must occur (as the start of a word) in a statement, its section heading or its
page title. Hits in a page title rank first, then hits in a heading, then in the text alone.
The index is built once per locale; a query is a scan of a few hundred short statements.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from needlecare.guide.pages import pages

_WORD = re.compile(r"\w+")
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class Hit:
    slug: str
    page_title: str
    section_id: str
    section_heading: str
    snippet: str
    score: int


@dataclass(frozen=True)
class _Entry:
    order: tuple[int, int]
    slug: str
    page_title: str
    section_id: str
    section_heading: str
    text: str
    # words joined as " w1 w2 ... ": a word prefix is then a plain substring " prefix"
    title_words: str
    heading_words: str
    text_words: str


def fold(text: str) -> str:
    """Lower case without accents: 'Acné' and 'acne' are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


@cache
def _index(locale: str) -> tuple[_Entry, ...]:
    entries: list[_Entry] = []
    for page in pages(locale):
        for position, (section, statement) in enumerate(page.statements()):
            text = f"{statement.text} {statement.action or ''}".strip()
            entries.append(
                _Entry(
                    (page.order, position),
                    page.slug,
                    page.title,
                    section.id,
                    section.heading,
                    text,
                    _joined(page.title),
                    _joined(section.heading),
                    _joined(text),
                )
            )
    return tuple(entries)


def _joined(text: str) -> str:
    return f" {' '.join(words(text))} "


def _matches(query_word: str, found: str) -> bool:
    return f" {query_word}" in found


def _snippet(text: str, query: tuple[str, ...]) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    folded = fold(text)
    start = min((folded.find(q) for q in query if folded.find(q) >= 0), default=0)
    begin = max(0, start - SNIPPET_CHARS // 3)
    piece = text[begin : begin + SNIPPET_CHARS].strip()
    return ("…" if begin else "") + piece + ("…" if begin + SNIPPET_CHARS < len(text) else "")


def search(query: str, locale: str = "en", limit: int = 20) -> list[Hit]:
    """Statements matching every word of the query, best first; [] for an empty query."""
    wanted = words(query)
    if not wanted:
        return []
    hits: list[tuple[int, tuple[int, int], Hit]] = []
    for entry in _index(locale):
        score = 0
        for word in wanted:
            in_title = _matches(word, entry.title_words)
            in_heading = _matches(word, entry.heading_words)
            in_text = _matches(word, entry.text_words)
            if not (in_title or in_heading or in_text):
                break
            score += 100 * in_title + 10 * in_heading + in_text
        else:
            hit = Hit(
                entry.slug,
                entry.page_title,
                entry.section_id,
                entry.section_heading,
                _snippet(entry.text, wanted),
                score,
            )
            hits.append((score, entry.order, hit))
    hits.sort(key=lambda item: (-item[0], item[1]))
    return [hit for _score, _order, hit in hits[:limit]]
