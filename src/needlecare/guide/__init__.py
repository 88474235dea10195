"""Aftercare guide: education pages, clinic protocols and the personal aftercare sheet (pure).

Entry points for the web pages, the PDF and the CLI; each returns plain dataclasses:
- `pages(locale) -> list[Page]`, `page(slug, locale) -> Page` (raises PageNotFound)
- `search(query, locale) -> list[Hit]`
- `validate_protocol(doc) -> list[ProtocolError]`, `parse_protocol(doc) -> Protocol`
  (raises ProtocolInvalid), `effective_windows(protocol | None) -> dict[str, Window]`
- `build_aftercare_sheet(treatment_date, depth_mm, device, fitzpatrick, protocol, locale, tz)`
"""

from needlecare.guide.content import Citation, Page, Section, Statement
from needlecare.guide.pages import PageNotFound, page, pages
from needlecare.guide.protocols import (
    Protocol,
    ProtocolError,
    ProtocolInvalid,
    effective_windows,
    parse_protocol,
    protocol_from_text,
    validate_protocol,
)
from needlecare.guide.search import Hit, search
from needlecare.guide.sheet import Sheet, SheetGroup, SheetLine, build_aftercare_sheet

__all__ = [
    "Citation",
    "Hit",
    "Page",
    "PageNotFound",
    "Protocol",
    "ProtocolError",
    "ProtocolInvalid",
    "Section",
    "Sheet",
    "SheetGroup",
    "SheetLine",
    "Statement",
    "build_aftercare_sheet",
    "effective_windows",
    "page",
    "pages",
    "parse_protocol",
    "protocol_from_text",
    "search",
    "validate_protocol",
]
