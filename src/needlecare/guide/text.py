"""Plain-text renderings for the command line (the web pages and the PDF use the dataclasses)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from needlecare.guide.content import Citation, Page
from needlecare.guide.i18n import N_, translator
from needlecare.guide.search import Hit
from needlecare.guide.sheet import Sheet, SheetLine

WIDTH = 88
LEVEL_WORDS = {
    "urgent": N_("URGENT"),
    "contact_clinic": N_("CALL CLINIC"),
    "monitor": N_("WATCH"),
    "expected": N_("EXPECTED"),
}


def _sources(cited: Iterable[Citation]) -> str:
    return "[" + ", ".join(c.label for c in cited) + "]"


def _bullet(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=f"{indent}- ", subsequent_indent=f"{indent}  ")


def _line(line: SheetLine, locale: str) -> list[str]:
    _ = translator(locale)
    text = line.text
    if line.level:
        text = f"{_(LEVEL_WORDS[line.level])}: {text}"
    if line.action:
        text += f" -> {line.action}"
    text += f" {_sources(line.citations)}"
    if line.source_note:
        text += f" ({line.source_note})"
    return _bullet(text)


def render_sheet_text(sheet: Sheet) -> str:
    out = [sheet.title.upper(), sheet.treatment_text, sheet.today_text]
    if sheet.protocol_text:
        out.append(sheet.protocol_text)
    for group in sheet.groups:
        out += ["", group.title]
        for line in group.lines:
            out += _line(line, sheet.locale)
    out += ["", *textwrap.wrap(sheet.disclaimer, WIDTH)]
    return "\n".join(out) + "\n"


def render_page_text(page: Page, locale: str = "en") -> str:
    _ = translator(locale)
    out = [page.title.upper(), *textwrap.wrap(page.summary, WIDTH)]
    out.append(_("Last reviewed: {date}").format(date=page.last_reviewed.isoformat()))
    for section in page.sections:
        out += ["", section.heading]
        for statement in section.statements:
            text = statement.text
            if statement.level and statement.action:
                text = f"{_(LEVEL_WORDS[statement.level])}: {text} -> {statement.action}"
            out += _bullet(f"{text} {_sources(statement.citations)}")
    return "\n".join(out) + "\n"


def render_hits_text(hits: list[Hit]) -> str:
    out = []
    for hit in hits:
        out.append(f"{hit.slug}#{hit.section_id}  {hit.page_title} / {hit.section_heading}")
        out += textwrap.wrap(hit.snippet, WIDTH, initial_indent="    ", subsequent_indent="    ")
    return "\n".join(out) + ("\n" if out else "")
