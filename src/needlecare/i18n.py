"""The patient's language: which locale to speak, and the gettext catalogues that speak it.

English is the source language. A shipped locale (a folder `needlecare/locale/<lang>/` holding
`LC_MESSAGES/messages.po`) is read from its `.po` file with Babel and compiled in memory once
per process, so the tree holds no binary `.mo` that could drift from its source. Knowledge texts
(triage rules, timeline entries, ingredient reasons) are catalogue messages whose context
(msgctxt) is their stable code, so two identical English texts may read differently in Spanish
and a translator sees which rule a sentence belongs to. `needlecare knowledge check` refuses a
shipped locale with an untranslated message, a placeholder mismatch or a glossary term worded
another way (see `needlecare.translation`).

Choice of locale: the language the person stored in their settings, else the browser's
Accept-Language, else English (`resolve_locale`).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from needlecare.i18n_text import Text as Text  # re-exported: its home is light (no Babel)

DOMAIN = "messages"
SOURCE_LOCALE = "en"
# The names people choose between, each written in its own language.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
Translate = Callable[[str], str]
# The locale of the page, email or sheet being rendered, for template code that cannot see the
# render's context (macros imported without context): set by `speaking`.
_CURRENT: ContextVar[str | None] = ContextVar("needlecare_locale", default=None)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, once a locale is known."""
    return message


def parse_locale(locale: str) -> Locale:
    """A Babel locale, or ValueError with a readable message for an unknown one."""
    try:
        return _parsed(locale)
    except (UnknownLocaleError, ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"unknown locale {locale!r}") from error


@lru_cache(maxsize=64)
def _parsed(locale: str) -> Locale:
    # A page asks for its locale some 45 times (every formatted date, number and message):
    # Babel parses it anew each time. Bounded: locale names can come from a request header.
    # An unknown one raises, and a raise is never cached.
    return Locale.parse(locale.replace("-", "_"))


def _locale_root() -> resources.abc.Traversable:
    return resources.files("needlecare").joinpath("locale")


@cache
def shipped_locales() -> tuple[str, ...]:
    """English and every language with a catalogue in the package, English first."""
    found = sorted(
        entry.name
        for entry in _locale_root().iterdir()
        if entry.is_dir()
        and entry.name != SOURCE_LOCALE
        and entry.joinpath("LC_MESSAGES", f"{DOMAIN}.po").is_file()
    )
    return (SOURCE_LOCALE, *found)


def supported(locale: str | None) -> str | None:
    """The shipped language for a tag ('es-MX' -> 'es'), or None when none fits."""
    if not locale:
        return None
    try:
        language = parse_locale(locale.strip()).language
    except ValueError:
        return None
    return language if language in shipped_locales() else None


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, most wanted first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def resolve_locale(stored: str | None, accept_language: str | None = None) -> str:
    """The stored choice, else the browser's first shipped language, else English."""
    for candidate in (stored, *parse_accept_language(accept_language)):
        language = supported(candidate)
        if language:
            return language
    return SOURCE_LOCALE


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LOCALE:
        return gettext.NullTranslations()
    source = _locale_root().joinpath(language, "LC_MESSAGES", f"{DOMAIN}.po")
    if not source.is_file():
        return gettext.NullTranslations()
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def catalogue(locale: str | None) -> gettext.NullTranslations:
    """The translations of a locale; English (identity) for English or an unshipped one.
    ValueError for a tag that names no locale at all (a typo on the command line)."""
    language = supported(locale)
    if language is None and locale:
        parse_locale(locale)
    return _catalogue(language or SOURCE_LOCALE)


def translator(locale: str | None = SOURCE_LOCALE) -> Translate:
    """The gettext function for a locale (English text where no translation exists)."""
    return catalogue(locale).gettext


def plural_translator(locale: str | None = SOURCE_LOCALE) -> Callable[[str, str, int], str]:
    """ngettext for a locale: the plural form that fits a count."""
    return catalogue(locale).ngettext


def _local_value(value: object, locale: str) -> object:
    if isinstance(value, Text):
        return localize(locale, value)
    if isinstance(value, datetime):
        return format_datetime(value, "EEE d MMM, HH:mm", locale=_babel(locale))
    if isinstance(value, date):
        return format_date(value, "EEE d MMM y", locale=_babel(locale))
    return value


def localize(locale: str | None, text: object) -> str:
    """Any shown text in `locale`: a `Text` with its values, a marked message, or (unknown to
    the catalogue, e.g. a person's own words) the text as it is."""
    language = supported(locale) or SOURCE_LOCALE
    if not isinstance(text, str):
        return "" if text is None else str(text)
    if language == SOURCE_LOCALE:
        return str(text)
    found = _catalogue(language)
    if isinstance(text, Text):
        template = found.gettext(text.template)
        values = {name: _local_value(value, language) for name, value in text.values.items()}
        try:
            return template.format(**values) if values else template
        except (KeyError, IndexError, ValueError):
            return str(text)
    return found.gettext(text)


def translate_text(locale: str | None, text: str, code: str | None = None, **values: object) -> str:
    """A message (a knowledge text keyed by its stable `code`, or a plain one) in a locale,
    with `{name}` placeholders filled after translation so a translator may move them."""
    found = catalogue(locale)
    translated = found.pgettext(code, text) if code else found.gettext(text)
    return translated.format(**values) if values else translated


def format_number(value: float | int | Decimal, locale: str | None, digits: int = 1) -> str:
    """A number in the locale's own way ('1,5' in Spanish)."""
    return format_decimal(
        value, format=f"#,##0.{'#' * digits}" if digits else "#,##0", locale=_babel(locale)
    )


def format_day(day: date, locale: str | None, form: str = "medium") -> str:
    """A date in the locale's own way ('5 dic 2026')."""
    return format_date(day, form, locale=_babel(locale))


def format_moment(moment: datetime, locale: str | None, form: str = "medium") -> str:
    return format_datetime(moment, form, locale=_babel(locale))


def _babel(locale: str | None) -> Locale:
    return parse_locale(supported(locale) or SOURCE_LOCALE)


@contextmanager
def speaking(locale: str | None) -> Iterator[str]:
    """Render in `locale` for the duration (templates read it through `current_locale`)."""
    language = supported(locale) or SOURCE_LOCALE
    token = _CURRENT.set(language)
    try:
        yield language
    finally:
        _CURRENT.reset(token)


def current_locale() -> str:
    return _CURRENT.get() or SOURCE_LOCALE


def language_choices(current: str | None) -> Iterable[tuple[str, str, bool]]:
    """(code, name in its own language, chosen) for each shipped language."""
    for code in shipped_locales():
        yield code, LANGUAGE_NAMES.get(code, code), code == current
