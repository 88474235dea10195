"""Jinja's i18n for every template environment (pages, emails, reports): `{% trans %}`,
`_()` for values built in Python (N_ messages, `Text`, a person's own words), and the
`number` and `day` filters, all speaking the render's `locale` (or the one `speaking` set)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from needlecare.i18n import (
    current_locale,
    format_day,
    format_number,
    localize,
    plural_translator,
    translate_text,
    translator,
)


def _locale_of(context: Context) -> str:
    # A render's own `locale`, else the one `speaking` set (macros imported without context).
    return str(context.get("locale") or current_locale())


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translator(_locale_of(context))(message)


@pass_context
def _display(context: Context, message: object) -> str:
    # `_()` in templates: also for values built in Python (N_ messages, `Text`, a person's
    # own words, which stay as they are); no %-formatting, unlike the `trans` tag's gettext.
    return localize(_locale_of(context), message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return plural_translator(_locale_of(context))(singular, plural, count)


@pass_context
def _pgettext(context: Context, code: str, message: str) -> str:
    # A knowledge text keyed by its code (a reference entry's title by its id); not %-formatted.
    return translate_text(_locale_of(context), message, code or None)


@pass_context
def _number(context: Context, value: float, digits: int = 1) -> str:
    return format_number(value, _locale_of(context), digits)


@pass_context
def _day(context: Context, value: Any, form: str = "medium") -> str:
    return format_day(value, _locale_of(context), form)


def install_i18n(env: Environment) -> Environment:
    """The gettext callables of a template environment: each render speaks the `locale` of its
    context (English when absent). Used by the pages, the emails and the reports alike."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # extraction runs with trimmed=true as well
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _display
    env.globals["pgettext"] = _pgettext
    env.filters["translated"] = _display
    env.filters["number"] = _number
    env.filters["day"] = _day
    return env
