"""The catalogues' upkeep: extract every message, refresh the catalogues, check shipped ones.

One list of sources (`SOURCES`) serves `scripts/i18n_extract.sh` (python -m
needlecare.translation), the tests and `needlecare knowledge check`, which extracts afresh so a
message added without its translation is caught even when nobody re-ran the extraction.

Checks on a shipped locale (see docs/i18n.md): every message translated (no empty or fuzzy
entry), the same `{placeholders}` as the English, and each glossary term
(knowledge/data/glossary.toml) worded the one agreed way.
"""

from __future__ import annotations

import io
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from needlecare.i18n import DOMAIN, SOURCE_LOCALE, shipped_locales

KEYWORDS = {
    "_": None,
    "N_": None,
    "Text": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "_say": (2,),  # cli/ingredients_run.py: the fast path's own gettext (lang, message)
}
_TOML = "needlecare.guide.babel_extract:extract_toml"
_CODED = "needlecare.guide.babel_extract:extract_coded_toml"
_REFERENCE = "needlecare.guide.babel_extract:extract_reference_titles"
_JINJA = "jinja2.ext.babel_extract"
_JINJA_OPTIONS = {"trimmed": "true", "extensions": "jinja2.ext.do"}
# (glob under the package, extraction method). Knowledge texts with a stable `code` carry it as
# their context; guide pages and windows are keyed by their English text (their own ids are
# slugs that a page may reorder).
SOURCES: tuple[tuple[str, str], ...] = (
    ("**/*.py", "python"),
    ("web/templates/**/*.html", _JINJA),
    ("jobs/templates/**/*.html", _JINJA),
    ("jobs/templates/**/*.txt", _JINJA),
    ("reports/templates/**/*.html", _JINJA),
    ("guide/data/pages/*.toml", _TOML),
    ("knowledge/data/windows.toml", _TOML),
    ("knowledge/data/sessions.toml", _TOML),
    ("triage/data/*.toml", _CODED),
    ("timeline/data/*.toml", _CODED),
    ("ingredients/data/flags.toml", _CODED),
    ("knowledge/data/reference.md", _REFERENCE),
)
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?::[a-z0-9_]+)?\}|%\([a-z_]+\)s")
_SKIP = ("migrations", "__pycache__")


def package_root() -> Path:
    return Path(str(resources.files("needlecare")))


def extract(root: Path | None = None) -> Catalog:
    """Every message the product shows, as a template catalogue (msgstr empty)."""
    root = root or package_root()
    catalog = Catalog(
        project="NeedleCare",
        version="0.1.0",
        copyright_holder="NeedleCare contributors",
        fuzzy=False,
    )
    for pattern, method in SOURCES:
        options = _JINJA_OPTIONS if method == _JINJA else {}
        for path in sorted(root.glob(pattern)):
            if any(part in _SKIP for part in path.parts):
                continue
            relative = f"src/needlecare/{path.relative_to(root).as_posix()}"
            for line, message, comments, context in extract_from_file(
                method,
                str(path),
                keywords=KEYWORDS,
                comment_tags=("TRANSLATORS:",),
                options=options,
                strip_comment_tags=True,
            ):
                catalog.add(
                    message,
                    None,
                    [(relative, line)],
                    auto_comments=comments,
                    context=context,
                    flags=("python-brace-format",) if _braces(message) else (),
                )
    return catalog


def _braces(message: str | tuple[str, ...]) -> bool:
    texts = message if isinstance(message, tuple) else (message,)
    return any(PLACEHOLDER.search(text) and "{" in text for text in texts)


def locale_dir(root: Path | None = None) -> Path:
    return (root or package_root()) / "locale"


def read_catalogue(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write_catalogue(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def refresh(root: Path | None = None) -> list[str]:
    """Write messages.pot and bring every catalogue up to it; the languages touched."""
    template = extract(root)
    template.creation_date = datetime(2026, 1, 1, tzinfo=UTC)  # stable file: no churn per run
    folder = locale_dir(root)
    write_catalogue(folder / f"{DOMAIN}.pot", template)
    touched = []
    for entry in sorted(folder.iterdir()):
        po = entry / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.is_file():
            continue
        catalog = read_catalogue(po, entry.name)
        # No fuzzy matching: a guessed translation of a medical sentence is worse than none.
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        write_catalogue(po, catalog)
        touched.append(entry.name)
    return touched


@dataclass(frozen=True)
class GlossaryTerm:
    english: tuple[str, ...]  # forms that name the term in English (lower case)
    translations: dict[str, tuple[str, ...]]  # locale -> accepted forms of the one wording


@cache
def glossary() -> tuple[GlossaryTerm, ...]:
    source = resources.files("needlecare.knowledge").joinpath("data", "glossary.toml")
    document = tomllib.loads(source.read_text("utf-8"))
    return tuple(
        GlossaryTerm(
            tuple(form.lower() for form in term["en"]),
            {
                locale: tuple(form.lower() for form in forms)
                for locale, forms in term.items()
                if locale not in ("en", "cite", "note")
            },
        )
        for term in document["terms"]
    )


def _words(text: str, form: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text.lower()) is not None


def glossary_problems(locale: str, english: str, translated: str) -> Iterator[str]:
    for term in glossary():
        wanted = term.translations.get(locale)
        if not wanted or not any(_words(english, form) for form in term.english):
            continue
        if not any(_words(translated, form) for form in wanted):
            yield f"glossary: {term.english[0]!r} must read {wanted[0]!r} in {locale!r}"


def _texts(value: object) -> tuple[str, ...]:
    # Babel types an id or a string as str, a list or a tuple (plural forms).
    if isinstance(value, (tuple, list)):
        return tuple(str(item or "") for item in value)
    return (str(value or ""),)


def message_problems(locale: str, message: Message) -> Iterator[str]:
    """What is wrong with one catalogue entry of a shipped locale."""
    ids = _texts(message.id)
    strings = _texts(message.string)
    if message.fuzzy or not all(strings):
        yield "untranslated"
        return
    wanted = set(PLACEHOLDER.findall(" ".join(ids)))
    # A plural form may leave the count out ("mañana" for one day), never add a placeholder.
    found_each = [set(PLACEHOLDER.findall(text)) for text in strings]
    found = set().union(*found_each)
    if found != wanted or (len(strings) == 1 and found_each[0] != wanted):
        yield f"placeholders {sorted(found)} differ from the English {sorted(wanted)}"
    for source, text in zip(ids, strings, strict=False):
        yield from glossary_problems(locale, source, text)


def check_locales(root: Path | None = None) -> list[tuple[str, str]]:
    """(file, problem) for every shipped locale against the messages the sources hold now."""
    template = extract(root)
    problems: list[tuple[str, str]] = []
    for locale in shipped_locales():
        if locale == SOURCE_LOCALE:
            continue
        name = f"locale/{locale}/LC_MESSAGES/{DOMAIN}.po"
        catalog = read_catalogue(locale_dir(root) / locale / "LC_MESSAGES" / f"{DOMAIN}.po", locale)
        for wanted in template:
            if not wanted.id:
                continue
            found = catalog.get(wanted.id, wanted.context)
            label = _label(wanted)
            if found is None:
                problems.append((name, f"{label}: untranslated (run scripts/i18n_extract.sh)"))
                continue
            problems += [
                (name, f"{label}: {problem}") for problem in message_problems(locale, found)
            ]
    return problems


def _label(message: Message) -> str:
    text = _texts(message.id)[0]
    short = text if len(text) <= 60 else text[:57] + "..."
    return f"[{message.context}] {short!r}" if message.context else repr(short)


def start_language(language: str, root: Path | None = None) -> Path:
    """An empty catalogue for a new language (step 1 of docs/i18n.md)."""
    po = locale_dir(root) / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise SystemExit(f"{po} exists already")
    catalog = Catalog(locale=language, project="NeedleCare", version="0.1.0", fuzzy=False)
    write_catalogue(po, catalog)
    return po


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--init"] and len(args) == 2:
        print(f"started {start_language(args[1])}")
    touched = refresh()
    print(f"messages.pot written; catalogues refreshed: {', '.join(touched) or 'none'}")
    problems = check_locales()
    for file, problem in problems[:50]:
        print(f"{file}: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} message(s) to translate or fix", file=sys.stderr)


if __name__ == "__main__":
    main()
