"""Translation of the guide's text (gettext catalogues compiled by Babel) and date formatting.

User-facing strings in code are marked with `_()` (or `N_()` where they are defined before a
locale is known); page text and window labels come from the data files and go through the same
catalogue (extracted by `needlecare.guide.babel_extract`). English is the source language, so a
missing catalogue or entry simply shows the English text. Catalogues are packaged under
`needlecare/locale/<locale>/LC_MESSAGES/messages.mo` and read with importlib.resources.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from datetime import date
from functools import cache, lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

Translate = Callable[[str], str]
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, once a locale is known."""
    return message


def parse_locale(locale: str) -> Locale:
    """A Babel locale, or ValueError with a readable message for an unknown one."""
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise ValueError(f"unknown locale {locale!r}") from error


@cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    parsed = parse_locale(locale)
    root = resources.files("needlecare").joinpath("locale")
    for name in dict.fromkeys((str(parsed), parsed.language)):
        compiled = root.joinpath(name, "LC_MESSAGES", f"{DOMAIN}.mo")
        if compiled.is_file():
            return gettext.GNUTranslations(io.BytesIO(compiled.read_bytes()))
    return gettext.NullTranslations()


def translator(locale: str = "en") -> Translate:
    """The gettext function for a locale (English text where no translation exists)."""
    return _catalogue(locale).gettext


def plural_translator(locale: str = "en") -> Callable[[str, str, int], str]:
    """ngettext for a locale: the plural form that fits a count."""
    return _catalogue(locale).ngettext


@lru_cache(maxsize=8192)  # a sheet formats ~25 dates, mostly the same few weeks
def long_date(day: date, locale: str = "en", *, with_year: bool = False) -> str:
    """'Friday 27 November' in English; translators may reorder the CLDR pattern per locale."""
    _ = translator(locale)
    # TRANSLATORS: CLDR date patterns (EEEE weekday, d day, MMMM month, y year); reorder freely.
    pattern = _("EEEE d MMMM y") if with_year else _("EEEE d MMMM")
    return format_date(day, pattern, locale=parse_locale(locale))


def marked(_: Translate, message: str) -> str:
    """Translate a message marked elsewhere with N_() (keeps pybabel from extracting keys)."""
    return _(message)
