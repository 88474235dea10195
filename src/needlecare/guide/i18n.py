"""Translation of the guide's text (gettext catalogues compiled by Babel) and date formatting.

User-facing strings in code are marked with `_()` (or `N_()` where they are defined before a
locale is known); page text and window labels come from the data files and go through the same
catalogue (extracted by `needlecare.guide.babel_extract`). English is the source language, so a
missing catalogue or entry simply shows the English text. The catalogues themselves are loaded
by `needlecare.i18n` (one loader for the whole product).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel.dates import format_date

from needlecare.i18n import N_, Translate, parse_locale, plural_translator, translator

__all__ = [
    "N_",
    "Translate",
    "long_date",
    "marked",
    "parse_locale",
    "plural_translator",
    "translator",
]


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
