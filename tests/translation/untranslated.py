"""Finds English that a Spanish reader would see: catalogue entries and knowledge texts.

Not a word list: every message of the catalogue (code, templates, knowledge data) whose
English is a sentence or a label is looked for, as text, in a rendered page or email. A hit
means a string reached the reader untranslated (a missing `_()`, a knowledge text shown
without its code, a template without `{% trans %}`). Short messages that are also Spanish
words or proper names (a unit, "RF", a number) are left out by `_worth_looking_for`.
"""

from __future__ import annotations

import html
import re
from functools import cache

from needlecare.translation import _texts, extract, locale_dir, read_catalogue

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_:0-9]+\}")


def visible_text(page: str) -> str:
    """The words of an HTML page (or a plain-text email), tags and entities resolved."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", page))).strip()


def _worth_looking_for(english: str, spanish: str) -> bool:
    # A fragment between placeholders must be a phrase: two words or more, and not the same
    # in Spanish ("Rosacea"/"Rosácea" differ; "Diabetes", "No", "RF" do not).
    words = re.findall(r"[A-Za-z']+", english)
    return len(words) >= 2 and english.strip() != spanish.strip()


@cache
def english_fragments() -> tuple[str, ...]:
    """Every catalogue message's English, split at its placeholders, longest first."""
    spanish = read_catalogue(locale_dir() / "es" / "LC_MESSAGES" / "messages.po", "es")
    found: set[str] = set()
    for message in extract():
        if not message.id:
            continue
        translated = spanish.get(message.id, message.context)
        strings = _texts(translated.string) if translated is not None else ("",)
        for english in _texts(message.id):
            for part in _PLACEHOLDER.split(visible_text(english)):
                part = part.strip(" .,:;()—-")
                if _worth_looking_for(part, " ".join(strings)):
                    found.add(part)
    return tuple(sorted(found, key=len, reverse=True))


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Whole words only: "mm (band" is no English inside "mm (banda".
    return tuple(
        (fragment, re.compile(rf"(?<!\w){re.escape(fragment)}(?!\w)"))
        for fragment in english_fragments()
    )


def untranslated(page: str) -> list[str]:
    """English catalogue text found in a page rendered in Spanish (empty: none)."""
    text = visible_text(page)
    return [
        fragment for fragment, pattern in _patterns() if fragment in text and pattern.search(text)
    ]
