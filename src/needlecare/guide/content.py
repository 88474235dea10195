"""Content model of the guide: pages, sections, statements and their citations.

Pages are TOML files in data/pages/ (schema: data/pages.schema.json). A statement never types a
waiting-window day: it writes `{day:WINDOW}` or `{caution:WINDOW}` and the renderer fills it from
the windows in force (knowledge/data/windows.toml, possibly tightened by a clinic protocol): as
"day 7" on a page, as a calendar date on a personal sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

from needlecare.knowledge import citations
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window

Level = Literal["expected", "monitor", "contact_clinic", "urgent"]
LEVELS: tuple[Level, ...] = ("urgent", "contact_clinic", "monitor", "expected")
PLACEHOLDER = re.compile(r"\{(?P<what>day|caution):(?P<window>[a-z][a-z0-9_]*)\}")
# Writes the day of a placeholder: (kind "day" or "caution", window) -> text.
DayWriter = Callable[[str, Window], str]
Translate = Callable[[str], str]


@dataclass(frozen=True)
class Citation:
    key: str  # "reference.md#AE-04" or a source key such as "chu2021"
    label: str  # "AE-04" or "chu2021"
    title: str
    url: str | None = None
    resolves: bool = True


@dataclass(frozen=True)
class Statement:
    text: str
    citations: tuple[Citation, ...]
    action: str | None = None
    level: Level | None = None
    bands: frozenset[Band] = frozenset(Band)
    min_fitzpatrick: int | None = None
    sheet: str | None = None
    windows: tuple[str, ...] = ()  # waiting windows whose days the text states
    template: str = ""  # the text before placeholders were filled (for checks)

    @property
    def cite(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.citations)

    def applies_to(self, band: Band | None, fitzpatrick: int | None) -> bool:
        if band is not None and band not in self.bands:
            return False
        if self.min_fitzpatrick is None:
            return True
        return fitzpatrick is not None and fitzpatrick >= self.min_fitzpatrick


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    statements: tuple[Statement, ...]
    sheet: str | None = None
    generated_from: str | None = None


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    last_reviewed: date
    order: int
    sections: tuple[Section, ...]

    def statements(self) -> Iterable[tuple[Section, Statement]]:
        for section in self.sections:
            for statement in section.statements:
                yield section, statement


@cache
def citation(key: str) -> Citation:
    try:
        target = citations.resolve(key)
    except citations.UnknownCitation:
        return Citation(key, key, key, resolves=False)
    if isinstance(target, citations.ReferenceEntry):
        return Citation(key, target.id, target.title)
    return Citation(key, target.key, target.text, target.url)


def fill_days(template: str, windows: Mapping[str, Window], write: DayWriter) -> str:
    """Replace each placeholder; an unknown window stays visible (knowledge check reports it)."""

    def replace(match: re.Match[str]) -> str:
        found = windows.get(match["window"])
        return write(match["what"], found) if found else match[0]

    return PLACEHOLDER.sub(replace, template)


def statement_from(
    raw: Mapping[str, Any],
    section_sheet: str | None,
    windows: Mapping[str, Window],
    write: DayWriter,
    _: Translate,
) -> Statement:
    data = _  # data text is extracted by babel_extract, not as a literal here
    template = data(raw["text"])
    return Statement(
        text=fill_days(template, windows, write),
        citations=tuple(citation(key) for key in raw["cite"]),
        action=data(raw["action"]) if "action" in raw else None,
        level=raw.get("level"),
        bands=frozenset(Band(b) for b in raw["bands"]) if "bands" in raw else frozenset(Band),
        min_fitzpatrick=raw.get("min_fitzpatrick"),
        # `sheet = false`: on the guide page only (the personal sheet must fit one page).
        sheet=raw.get("sheet", section_sheet) or None,
        windows=tuple(dict.fromkeys(m["window"] for m in PLACEHOLDER.finditer(raw["text"]))),
        template=raw["text"],
    )


def with_condition(text: str, window: Window, _: Translate) -> str:
    """Append a window's condition ("and only once the skin has healed") to a sentence."""
    if not window.condition:
        return text
    data = _
    condition = data(window.condition)
    joins_sentence = condition.split(" ", 1)[0] in {"and", "or", "then", "unless"}
    return text + (", " if joins_sentence else "; ") + condition


def window_statement(window: Window, write: DayWriter, _: Translate) -> Statement:
    """A statement generated from one window of windows.toml (never retyped in a page)."""
    data = _
    label = data(window.label)
    text = _("{label}: from {day}").format(
        label=label[:1].upper() + label[1:], day=write("day", window)
    )
    if window.caution_until_days and any(
        window.caution_until(b) > window.resume_day(b) for b in Band
    ):
        text += _(", with care until {day}").format(day=write("caution", window))
    return Statement(
        text=with_condition(text, window, _) + ".",
        citations=tuple(citation(key) for key in window.cite),
        windows=(window.name,),
        template=f"{{day:{window.name}}}",
    )


def generated_statements(
    kind: str, windows: Mapping[str, Window], write: DayWriter, _: Translate
) -> tuple[Statement, ...]:
    wanted = "flag" if kind == "flag_windows" else "activity"
    chosen = sorted(
        (w for w in windows.values() if w.kind == wanted),
        key=lambda w: (w.resume_day(), w.caution_until(), w.name),
    )
    return tuple(window_statement(w, write, _) for w in chosen)


def page_from(
    raw: Mapping[str, Any], windows: Mapping[str, Window], write: DayWriter, _: Translate
) -> Page:
    data = _
    sections = []
    for item in raw["sections"]:
        sheet = item.get("sheet")
        if "generate" in item:
            statements = generated_statements(item["generate"], windows, write, _)
        else:
            statements = tuple(
                statement_from(s, sheet, windows, write, _) for s in item["statements"]
            )
        sections.append(
            Section(item["id"], data(item["heading"]), statements, sheet, item.get("generate"))
        )
    return Page(
        slug=raw["slug"],
        title=data(raw["title"]),
        summary=data(raw["summary"]),
        last_reviewed=date.fromisoformat(raw["last_reviewed"]),
        order=raw["order"],
        sections=tuple(sections),
    )


def sheet_statements(
    raw: Mapping[str, Any], windows: Mapping[str, Window], write: DayWriter, _: Translate
) -> list[Statement]:
    """Only the statements of a page that belong on a personal sheet (first days, warnings)."""
    found = []
    for section in raw["sections"]:
        for item in section.get("statements", []):
            if item.get("sheet", section.get("sheet")):
                found.append(statement_from(item, section.get("sheet"), windows, write, _))
    return found
