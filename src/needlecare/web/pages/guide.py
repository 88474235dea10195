"""The aftercare guide (issue 8): public education pages with search and sources, and the
personal aftercare sheet (page and one-page PDF) for a patient's treatment.

Everything shown comes from `needlecare.guide` (never a second copy of the knowledge); a
logged-in reader of a clinic sees the days of the clinic's protocol in force.
"""

from __future__ import annotations

from base64 import b64encode
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response

from needlecare.guide import Citation, Page, PageNotFound, Sheet, page, pages, search
from needlecare.i18n import N_, resolve_locale, speaking
from needlecare.knowledge import citations
from needlecare.services import clinic_logo, clock, language, protocols, renders
from needlecare.services.errors import NotFound
from needlecare.services.principal import Principal
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import MaybeViewer, PatientViewer, StaffViewer
from needlecare.web.pages.rendering import (
    PageRoute,
    add_nav_item,
    page_locale,
    render,
    templates,
)

if TYPE_CHECKING:
    from weasyprint.document import Document

router = APIRouter(route_class=PageRoute, include_in_schema=False)
add_nav_item("patient", "/guide", N_("Guide"), "book")
SOURCES_PATH = "/guide/sources"
MAX_QUERY_CHARS = 200
PDF_CSS = "guide/sheet_pdf.css"


def source_href(citation: Citation) -> str | None:
    """Where a citation is explained: its reference entry or its bibliography item."""
    if not citation.resolves:
        return None
    return f"{SOURCES_PATH}#{source_anchor(citation.key)}"


def source_anchor(key: str) -> str:
    if key.startswith(f"{citations.REFERENCE_FILE}#"):
        return key.split("#", 1)[1]
    return f"source-{key}"


def cite_href(key: object) -> str | None:
    """The sources-page link of a citation key ("reference.md#AC-06", "chu2021"), or None
    when it names nothing known; the `sources` macro of every page links through it."""
    if not isinstance(key, str) or not citations.is_resolvable(key):
        return None
    return f"{SOURCES_PATH}#{source_anchor(key)}"


templates.env.globals["cite_href"] = cite_href


def _cited_keys(found: list[Page]) -> list[str]:
    keys: dict[str, None] = {}
    for item in found:
        for _section, statement in item.statements():
            keys.update(dict.fromkeys(statement.cite))
    return list(keys)


# How sure the evidence of a reference entry is, as a sentence (the entry stores the word).
_CONFIDENCE = {
    "high": N_("Evidence: high confidence."),
    "moderate": N_("Evidence: moderate confidence."),
    "low": N_("Evidence: low confidence."),
}


def _sources_context() -> dict[str, Any]:
    """Every reference entry and bibliography source the guide cites, in reading order."""
    entries: list[citations.ReferenceEntry] = []
    bibliography: dict[str, citations.Source] = {}
    known = citations.sources()
    for key in _cited_keys(pages()):
        target = citations.resolve(key)
        if isinstance(target, citations.ReferenceEntry):
            if target not in entries:
                entries.append(target)
            bibliography.update({k: known[k] for k in target.sources if k in known})
        else:
            bibliography[target.key] = target
    entries.sort(key=lambda e: e.id)
    return {
        "entries": entries,
        "bibliography": [bibliography[k] for k in sorted(bibliography)],
        "source_anchor": source_anchor,
        "confidence_names": _CONFIDENCE,
    }


def _reader_protocol(uow: UowDep, viewer: Principal | None) -> protocols.Protocol | None:
    return protocols.protocol_for_reader(uow, viewer)


# --- Education pages (public) --------------------------------------------------------------


@router.get("/guide")
def guide_index(request: Request, viewer: MaybeViewer, uow: UowDep, q: str = "") -> Response:
    query = q.strip()[:MAX_QUERY_CHARS]
    locale = page_locale(request, viewer)
    context = {
        "title": N_("Aftercare guide"),
        "pages": pages(locale, protocol=_reader_protocol(uow, viewer)),
        "q": query,
        "hits": search(query, locale) if query else [],
    }
    return render(request, "guide/index.html", context, viewer=viewer)


@router.get(SOURCES_PATH)
def guide_sources(request: Request, viewer: MaybeViewer) -> Response:
    context = {"title": N_("Sources of the guide"), **_sources_context()}
    return render(request, "guide/sources.html", context, viewer=viewer)


# --- The personal aftercare sheet (login) --------------------------------------------------


def _sheet_page(request: Request, viewer: Principal, sheet: Sheet, base: str) -> Response:
    context = {
        "title": sheet.title,
        "sheet": sheet,
        "pdf_href": f"{base}.pdf",
        "source_href": source_href,
    }
    return render(request, "guide/sheet.html", context, viewer=viewer)


def sheet_html(sheet: Sheet, logo: bytes | None = None) -> str:
    """The sheet's printable HTML (the clinic's logo, a PNG we re-encoded, inline as a data:
    URI): what WeasyPrint lays out, with the stylesheet `sheet_css()`."""
    with speaking(sheet.locale) as language:
        return templates.env.get_template("guide/sheet_pdf.html").render(
            sheet=sheet,
            locale=language,
            printed=sheet.today,  # the day the sheet was made for, in the patient's zone
            logo_src="data:image/png;base64," + b64encode(logo).decode() if logo else None,
        )


def sheet_css() -> str:
    return files("needlecare.web").joinpath("templates", PDF_CSS).read_text("utf-8")


def _layout(html: str, css: str) -> Document:
    # Nothing is fetched: no URL is allowed but the inline data: URIs.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).render(stylesheets=[CSS(string=css)])


def sheet_document(sheet: Sheet, logo: bytes | None = None) -> Document:
    """The sheet laid out on A4 by WeasyPrint."""
    return _layout(sheet_html(sheet, logo), sheet_css())


def render_sheet_pdf(
    sheet: Sheet, logo: bytes | None = None, *, person: str | None = None
) -> bytes:
    """The sheet as a one-page A4 PDF. The layout costs about a second of CPU: made once per
    content, one at a time for `person`, under one of the process's PDF slots (`renders`:
    429 while the person's other PDF is being made, 503 with every slot taken)."""
    html, css = sheet_html(sheet, logo), sheet_css()

    def make() -> bytes:
        pdf: bytes = _layout(html, css).write_pdf()
        return pdf

    return renders.render_once(renders.content_key("sheet", html, css), person, make)


def _pdf(sheet: Sheet, uow: UowDep, viewer: Principal) -> Response:
    name = f"aftercare-sheet-{sheet.treatment_date.isoformat()}.pdf"
    # The patient's clinic is the viewer's: the patient's own, or the staff member's.
    logo = clinic_logo.logo_of(uow, viewer.clinic_id)
    return Response(
        render_sheet_pdf(sheet, logo.png if logo else None, person=f"user:{viewer.user_id}"),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _patient_sheet(uow: UowDep, viewer: Principal, locale: str) -> Sheet | None:
    assert viewer.patient_id is not None  # guaranteed by PatientViewer
    try:
        today = clock.today_for(uow, viewer, viewer.patient_id)  # the patient's local date
        return protocols.aftercare_sheet(uow, viewer, viewer.patient_id, today=today, locale=locale)
    except NotFound:
        return None  # no treatment recorded yet


@router.get("/guide/sheet")
def my_sheet(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    sheet = _patient_sheet(uow, viewer, page_locale(request, viewer))
    if sheet is None:
        return render(
            request, "guide/no_treatment.html", {"title": N_("Your aftercare sheet")}, viewer=viewer
        )
    return _sheet_page(request, viewer, sheet, "/guide/sheet")


@router.get("/guide/sheet.pdf")
def my_sheet_pdf(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    # The stored choice first (a PDF outlives the browser that asked for it), then the browser.
    sheet = _patient_sheet(uow, viewer, page_locale(request, viewer))
    if sheet is None:
        raise NotFound("treatment")
    return _pdf(sheet, uow, viewer)


@router.get("/clinic/patients/{patient_id}/sheet")
def patient_sheet(request: Request, patient_id: int, viewer: StaffViewer, uow: UowDep) -> Response:
    today = clock.today_for(uow, viewer, patient_id)  # the patient's date, not the clinic's
    locale = page_locale(request, viewer)
    sheet = protocols.aftercare_sheet(uow, viewer, patient_id, today=today, locale=locale)
    return _sheet_page(request, viewer, sheet, f"/clinic/patients/{patient_id}/sheet")


@router.get("/clinic/patients/{patient_id}/sheet.pdf")
def patient_sheet_pdf(patient_id: int, viewer: StaffViewer, uow: UowDep) -> Response:
    today = clock.today_for(uow, viewer, patient_id)
    # The clinic prints it for the patient: in the language the patient chose.
    locale = resolve_locale(language.patient_language(uow, patient_id))
    sheet = protocols.aftercare_sheet(uow, viewer, patient_id, today=today, locale=locale)
    return _pdf(sheet, uow, viewer)


# Last: "/guide/{slug}" would otherwise answer for "/guide/sheet" and "/guide/sources".
@router.get("/guide/{slug}")
def guide_page(request: Request, slug: str, viewer: MaybeViewer, uow: UowDep) -> Response:
    try:
        locale = page_locale(request, viewer)
        found = page(slug[:100], locale, protocol=_reader_protocol(uow, viewer))
    except PageNotFound:
        raise NotFound("guide page") from None
    context = {
        "title": found.title,
        "page": found,
        "pages": pages(locale),
        "source_href": source_href,
    }
    return render(request, "guide/page.html", context, viewer=viewer)
