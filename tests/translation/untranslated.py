"""Finds English that a Spanish reader would see: catalogue entries and knowledge texts.

Not a word list: the English it looks for is the product's own, gathered from its sources:

- every message of the catalogue (code, templates, knowledge data), split at its placeholders;
- every knowledge text of the data files (a rule's advice, a method's caveat...), extracted
  into the catalogue or not;
- text that never reached the catalogue: string literals of the code that read as a sentence
  or a label (three words or more), and template text outside `{% trans %}`.

A hit is a string that reached the reader untranslated (a missing `_()`, a knowledge text
shown without its code, a template without `{% trans %}`). It is looked for, as whole words,
in the text a person reads: the page's text, and the attributes read aloud or shown on hover
(`title`, `alt`, `aria-label`, `placeholder`). An element marked `lang="en"` (a published
work's title, the clinicians' English reference) is declared English and skipped. Short
messages that are also Spanish words or names ("Diabetes", "RF") are left out by
`_worth_looking_for`.
"""

from __future__ import annotations

import ast
import html
import re
import tomllib
from collections.abc import Iterator
from functools import cache

from jinja2 import Environment

from needlecare.translation import _texts, extract, locale_dir, package_root, read_catalogue

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_:0-9]*\}|%[sd]")
_SHOWN_ATTRIBUTES = re.compile(r'\s(?:title|alt|aria-label|placeholder)="([^"]*)"')
_DECLARED_ENGLISH = re.compile(r'<(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', re.S)
# Knowledge data: the keys whose values are sentences or labels a person may read.
_TEXT_KEYS = frozenset(
    {"title", "summary", "heading", "text", "action", "label", "condition", "advice", "care",
     "expected", "reason", "strength", "name", "description", "explain", "caveat", "hint"}
)  # fmt: skip
# Written by a clinic in its own words (a protocol's instructions), not the product's English.
_CLINIC_WORDS = ("guide/data/protocols/",)


def visible_text(page: str) -> str:
    """The words of an HTML page (or a plain-text email) a person reads or hears: the text,
    and the shown attributes; tags and entities resolved, declared-English elements out."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = page.replace('<html lang="en"', "<html")  # the page's own language: not a span
    page = _DECLARED_ENGLISH.sub(" ", page)
    shown = " ".join(html.unescape(value) for value in _SHOWN_ATTRIBUTES.findall(page))
    text = html.unescape(_TAGS.sub(" ", page))
    return _SPACE.sub(" ", f"{text} {shown}").strip()


def _worth_looking_for(english: str, spanish: str) -> bool:
    # A fragment between placeholders must be a phrase: two words or more, and not the same
    # in Spanish ("Rosacea"/"Rosácea" differ; "Diabetes", "No", "RF" do not).
    words = re.findall(r"[A-Za-z']+", english)
    return len(words) >= 2 and english.strip() != spanish.strip()


def _fragments(english: str) -> Iterator[str]:
    for part in _PLACEHOLDER.split(visible_text(english)):
        yield part.strip(" .,:;()—-·")


def _knowledge_texts() -> Iterator[str]:
    root = package_root()
    for path in sorted(root.glob("**/data/**/*.toml")):
        if any(part in path.as_posix() for part in _CLINIC_WORDS):
            continue
        yield from _toml_texts(tomllib.loads(path.read_text("utf-8")))


def _toml_texts(node: object, key: str | None = None) -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _toml_texts(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _toml_texts(value, key)
    elif isinstance(node, str) and key in _TEXT_KEYS:
        yield node


def _code_literals() -> Iterator[str]:
    """String literals of the package's code that read as words for people: three words or
    more, starting with a letter (log lines, SQL and docstrings never reach a page)."""
    root = package_root()
    for path in sorted(root.glob("**/*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                words = len(re.findall(r"[A-Za-z']+", value))
                if "\n" not in value and re.match(r"[A-Za-z]", value) and words >= 3:
                    yield value


def _template_text() -> Iterator[str]:
    """Text of the templates outside `{% trans %}` blocks (what no catalogue translates)."""
    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    root = package_root()
    for folder in ("web/templates", "jobs/templates", "reports/templates"):
        for path in sorted((root / folder).glob("**/*.*")):
            if path.suffix not in (".html", ".txt"):
                continue
            in_trans, last_name = False, ""
            for _, kind, value in env.lex(path.read_text("utf-8")):
                if kind == "name" and last_name == "":
                    last_name = value
                    if value == "trans":
                        in_trans = True
                    elif value == "endtrans":
                        in_trans = False
                elif kind == "block_begin":
                    last_name = ""
                elif kind == "block_end":
                    last_name = "-"
                elif kind == "data" and not in_trans:
                    yield from re.split(r"[\n|]", _TAGS.sub("|", value))


@cache
def english_fragments() -> tuple[str, ...]:
    """Every English text the product may show, split at placeholders, longest first."""
    spanish = read_catalogue(locale_dir() / "es" / "LC_MESSAGES" / "messages.po", "es")
    found: set[str] = set()
    for message in extract():
        if not message.id:
            continue
        translated = spanish.get(message.id, message.context)
        strings = " ".join(_texts(translated.string) if translated is not None else ("",))
        for english in _texts(message.id):
            found.update(part for part in _fragments(english) if _worth_looking_for(part, strings))
    # Not in the catalogue: nothing translates these, so any of them on a page is English.
    # Words apart by spaces: an identifier ("reference.md#AE-01", "mm_per_day") is no sentence.
    for english in (*_knowledge_texts(), *_code_literals(), *_template_text()):
        found.update(
            part for part in _fragments(english) if " " in part and _worth_looking_for(part, "")
        )
    return tuple(sorted(found, key=len, reverse=True))


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Whole words only: "mm (band" is no English inside "mm (banda".
    return tuple(
        (fragment, re.compile(rf"(?<!\w){re.escape(fragment)}(?!\w)"))
        for fragment in english_fragments()
    )


def untranslated(page: str) -> list[str]:
    """English text of the product found in a page rendered in Spanish (empty: none)."""
    text = visible_text(page)
    return [
        fragment for fragment, pattern in _patterns() if fragment in text and pattern.search(text)
    ]
