"""The PDF report: it opens, has the expected pages, and says what the records say."""

from __future__ import annotations

from datetime import UTC, datetime

from needlecare.reports.assemble import DISCLAIMER, build_report
from needlecare.reports.pdf import render_html, render_pdf

from .pdftext import pdf_pages
from .sample import TODAY, sample_data

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_pages_in_order_with_footer_and_page_numbers() -> None:
    data = sample_data(with_photos=True, name="Jo Example")
    pages = [_flat(p) for p in pdf_pages(render_pdf(build_report(data, TODAY, NOW)))]
    total = len(pages)
    assert total >= 4
    for number, page in enumerate(pages, start=1):
        assert DISCLAIMER in page
        assert f"Page {number} of {total}" in page
    first = pages[0]
    for expected in (
        "Recovery report",
        "Jo Example",
        "Alder Clinic",
        "Nov 10, 2026",
        "1 mm",
        "Face, Neck",
        f"Day {(TODAY - data.treatments[0].treatment_date).days}",
        "Urgent",
        "Open alerts",
    ):
        assert expected in first, expected
    assert "Check-ins" in pages[1] and "Trends" in pages[1]
    assert "Flaking or peeling" in pages[1] and "spots: Whiteheads" in pages[1]
    assert "day after treatment" in pages[1]  # the charts' axis labels are drawn as text
    findings = " ".join(pages[2:])
    assert "Findings and their sources" in findings
    assert "reference.md#AE-01" in findings and "Bacterial infection" in findings
    assert "Called the patient" in findings and "Barrier Cream" in findings
    assert "Photos and measurements" in pages[-1] and "Red spots counted" in pages[-1]


def test_pdf_without_photos_has_no_photo_page_and_escapes_markup() -> None:
    data = sample_data(name="<b>Jo</b> & co")
    html = render_html(build_report(data, TODAY, NOW))
    assert "&lt;b&gt;Jo&lt;/b&gt; &amp; co" in html and "<b>Jo</b>" not in html
    pages = [_flat(p) for p in pdf_pages(render_pdf(build_report(data, TODAY, NOW)))]
    assert not any("Photos and measurements" in p for p in pages)
    assert "<b>Jo</b> & co" in pages[0]
