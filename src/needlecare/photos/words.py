"""The names a reader sees for a photo measurement's categories (ITA skin tone, confidence).

The measurement stores English codes (data/methods.toml names the ITA bands, limits.py the
confidence levels); these are their catalogue messages, said in the reader's language.
"""

from __future__ import annotations

from needlecare.i18n import N_, localize

ITA_NAMES = {
    "very light": N_("very light"),
    "light": N_("light"),
    "intermediate": N_("intermediate"),
    "tan": N_("tan"),
    "brown": N_("brown"),
    "dark": N_("dark"),
}
CONFIDENCE_NAMES = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def ita_name(locale: str | None, category: str) -> str:
    """An ITA band's name in `locale` (an unknown one as it is)."""
    return localize(locale, ITA_NAMES.get(category, category))


def confidence_name(locale: str | None, level: str) -> str:
    return localize(locale, CONFIDENCE_NAMES.get(level, level))
