"""A stored triage result in a reader's language.

Results are stored as the engine wrote them (English, placeholders filled in), so a clinician
and a patient reading the same check-in each see it in their own language, and a result stored
before a translation existed still reads translated. Each finding carries its rule's stable
code: its English template is matched against the stored text to recover the values, and the
translated template (catalogue context = the code) is filled with them. Advice lines are found
among the rules' own advice (keyed by the rule's code) and the level advice. A text no
template matches (a rule since reworded) stays as stored: English, never a wrong sentence.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from functools import cache
from typing import Any

from needlecare.i18n import SOURCE_LOCALE, catalogue, supported
from needlecare.triage.engine import LEVELS, raw_rules, rule_book

# Values that are themselves catalogue messages (band names come from expectations.toml).
_TRANSLATED_VALUES = frozenset({"band_name"})


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


@cache
def _finding_templates() -> dict[str, tuple[str, re.Pattern[str], str]]:
    """code -> (patient template, its pattern, staff template)."""
    book = rule_book()
    templates = {
        rule.code: (rule.text, _pattern(rule.text), rule.staff_text) for rule in book.rules
    }
    fallback = book.fallback
    templates[fallback["code"]] = (
        fallback["text"],
        _pattern(fallback["text"]),
        fallback["staff_text"],
    )
    return templates


@cache
def _advice_index() -> tuple[dict[str, str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """Rule advice text -> its rule's code; level advice templates (they may quote {day})."""
    by_text: dict[str, str] = {}
    for rule in rule_book().rules:
        for line in rule.advice:
            by_text.setdefault(line, rule.code)
    levels = raw_rules()["levels"]
    level_lines = tuple(
        (line, _pattern(line)) for level in LEVELS for line in levels[level]["advice"]
    )
    return by_text, level_lines


def _fill(locale: str, template: str, code: str | None, values: dict[str, str]) -> str:
    found = catalogue(locale)
    translated = found.pgettext(code, template) if code else found.gettext(template)
    shown = {
        name: found.gettext(value) if name in _TRANSLATED_VALUES else value
        for name, value in values.items()
    }
    try:
        return translated.format(**shown)
    except (KeyError, IndexError, ValueError):
        return template.format(**values)


def finding_text(locale: str | None, code: str, text: str, *, staff: bool = False) -> str:
    """A stored finding in `locale`; `staff`: in the clinic's words (the rule's `staff_text`,
    filled with the values read back from the stored patient text)."""
    language = supported(locale) or SOURCE_LOCALE
    if language == SOURCE_LOCALE and not staff:
        return text
    known = _finding_templates().get(code)
    if known is None:
        return text
    template, pattern, staff_template = known
    match = pattern.match(text)
    if match is None:
        return text
    shown = staff_template if staff else template
    if language == SOURCE_LOCALE:
        return shown.format(**match.groupdict())
    return _fill(language, shown, code, match.groupdict())


def advice_line(locale: str | None, line: str) -> str:
    language = supported(locale) or SOURCE_LOCALE
    if language == SOURCE_LOCALE:
        return line
    by_text, level_lines = _advice_index()
    code = by_text.get(line)
    if code is not None:
        return _fill(language, line, code, {})
    for template, pattern in level_lines:
        match = pattern.match(line)
        if match is not None:
            return _fill(language, template, None, match.groupdict())
    return line


def localize_findings(
    locale: str | None, findings: Iterable[dict[str, Any]], *, staff: bool = False
) -> list[dict[str, Any]]:
    """Findings in `locale`; `staff`: in the clinic's words (queue, check-in page, PDF)."""
    return [
        {
            **finding,
            "text": finding_text(
                locale, str(finding.get("code", "")), finding["text"], staff=staff
            ),
        }
        if isinstance(finding.get("text"), str)
        else dict(finding)
        for finding in findings
    ]


def localize_advice(locale: str | None, advice: Iterable[str]) -> list[str]:
    return [advice_line(locale, line) for line in advice]


def localize_result(locale: str | None, result: dict[str, Any]) -> dict[str, Any]:
    """A copy of a `triage_checkin` result with its findings and advice in `locale`."""
    return {
        **result,
        "findings": localize_findings(locale, result.get("findings", [])),
        "advice": localize_advice(locale, result.get("advice", [])),
    }
