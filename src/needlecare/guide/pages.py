"""The education pages, read from the packaged data and rendered for one locale."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from needlecare.guide.content import DayWriter, Page, page_from
from needlecare.guide.i18n import N_, Translate, parse_locale, translator
from needlecare.guide.protocols import Protocol, effective_windows
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window, windows

PACKAGE = "needlecare.guide"
# Which treatments a band stands for, in the words a patient knows.
BAND_WORDS: dict[frozenset[Band], str] = {
    frozenset({Band.D, Band.VD, Band.RF}): N_("treatments of 1 mm or deeper and RF microneedling"),
    frozenset({Band.VD, Band.RF}): N_("treatments of 2 mm or deeper and RF microneedling"),
    frozenset({Band.RF}): N_("RF microneedling"),
    frozenset({Band.VD}): N_("treatments of 2 mm or deeper"),
}
BAND_NAMES: dict[Band, str] = {
    Band.S: N_("0.25-0.5 mm"),
    Band.M: N_("0.5-1.0 mm"),
    Band.D: N_("1.0-1.5 mm"),
    Band.VD: N_("2 mm or deeper"),
    Band.RF: N_("RF microneedling"),
}


class PageNotFound(LookupError):
    def __init__(self, slug: str, known: list[str]) -> None:
        super().__init__(f"no guide page {slug!r}; pages: {', '.join(known)}")
        self.slug = slug


@cache
def raw_pages() -> dict[str, dict[str, Any]]:
    """Every packaged page document by file name (schema: data/pages.schema.json); read-only."""
    folder = resources.files(PACKAGE).joinpath("data", "pages")
    return {
        item.name: tomllib.loads(item.read_text("utf-8"))
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".toml")
    }


def describe_days(days: Mapping[Band, int], _: Translate) -> str:
    """'day 7', or 'day 7 (day 14 after treatments of 1 mm or deeper and RF microneedling)'."""
    usual = days[Band.S]  # the shallowest band first: deeper treatments are the exceptions
    text = _day(usual, _)
    others: dict[int, set[Band]] = {}
    for band, day in days.items():
        if day != usual:
            others.setdefault(day, set()).add(band)
    exceptions = [
        _("{day} after {treatments}").format(day=_day(day, _), treatments=_band_words(bands, _))
        for day, bands in sorted(others.items())
    ]
    return f"{text} ({'; '.join(exceptions)})" if exceptions else text


def _day(number: int, _: Translate) -> str:
    return _("the treatment day") if number == 0 else _("day {number}").format(number=number)


def _band_words(bands: set[Band], _: Translate) -> str:
    named = BAND_WORDS.get(frozenset(bands))
    if named:
        return _(named)
    return ", ".join(_(BAND_NAMES[b]) for b in Band if b in bands)


def generic_day_writer(_: Translate) -> DayWriter:
    def write(what: str, window: Window) -> str:
        days = window.resume_days if what == "day" else {b: window.caution_until(b) for b in Band}
        return describe_days(days, _)

    return write


def _render(locale: str, in_force: Mapping[str, Window]) -> tuple[Page, ...]:
    _ = translator(locale)
    write = generic_day_writer(_)
    found = [page_from(raw, in_force, write, _) for raw in raw_pages().values()]
    return tuple(sorted(found, key=lambda p: (p.order, p.slug)))


@cache
def _default_pages(locale: str) -> tuple[Page, ...]:
    return _render(locale, windows())


def pages(locale: str = "en", protocol: Protocol | None = None) -> list[Page]:
    """Every education page in reading order; window days from windows.toml, or from the
    windows in force under a clinic's protocol (its patients then read the clinic's days)."""
    locale = str(parse_locale(locale))
    if protocol is None:
        return list(_default_pages(locale))
    return list(_render(locale, effective_windows(protocol)))


def page(slug: str, locale: str = "en", protocol: Protocol | None = None) -> Page:
    """One page by slug; PageNotFound (a LookupError) names the known slugs."""
    found = {p.slug: p for p in pages(locale, protocol)}
    if slug not in found:
        raise PageNotFound(slug, list(found))
    return found[slug]
