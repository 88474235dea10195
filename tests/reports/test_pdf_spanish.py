"""Issue 22: the report PDF speaks its reader's language: words, dates, numbers, footer."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import World
from needlecare.reports.assemble import build_report
from needlecare.reports.pdf import css_counters, css_string, render_pdf
from needlecare.storage.models import User
from translation.untranslated import untranslated

from .pdftext import pdf_pages
from .sample import TODAY, sample_data
from .seeding import Seeded

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
API = "/api/v1"


def _flat(pages: list[str]) -> str:
    return " ".join(" ".join(page.split()) for page in pages)


def test_the_report_in_spanish_carries_no_catalogue_english() -> None:
    data = sample_data(with_photos=True, name="Jo Example")
    pages = pdf_pages(render_pdf(build_report(data, TODAY, NOW, "es")))
    text = _flat(pages)
    assert untranslated(text) == []
    for number in range(1, len(pages) + 1):  # the footer is CSS content: translated too
        assert f"Página {number} de {len(pages)}" in " ".join(pages[number - 1].split())
    assert "NeedleCare informa; no diagnostica." in text
    for expected in (
        "Informe de recuperación",
        "10 nov 2026",  # dates the locale's way
        "Cara, Cuello",
        "Fase: Remodelación",
        "fiebre",  # findings: stored in English with their codes, said in Spanish
        "Infección bacteriana",  # the reference entry's title (AE-01)
        "Fotos y mediciones",
        "Granitos rojos contados",
    ):
        assert expected in text, expected
    assert "Page 1 of" not in text and "Recovery report" not in text


def test_css_strings_cannot_end_the_style_element() -> None:
    assert css_string('a"b</style>') == '"a\\22 b\\3c /style\\3e "'
    assert css_counters("Página {page} de {pages}") == (
        '"Página " counter(page) " de " counter(pages)'
    )


def test_the_pdf_follows_its_readers_language(
    app: FastAPI, client: TestClient, world: World, seeded: Seeded
) -> None:
    url = f"{API}/patients/{seeded.patient_id}/report.pdf"
    with app.state.session_factory() as session:
        session.execute(update(User).where(User.id == world.pat.user_id).values(language="es"))
        session.commit()
    # The patient chose Spanish: their PDF is Spanish whatever their client sends.
    mine = client.get(url, headers={**world.pat.headers, "Accept-Language": "en"})
    assert mine.status_code == 200
    spanish = _flat(pdf_pages(mine.content))
    assert "Informe de recuperación" in spanish and untranslated(spanish) == []
    # A clinician reads the same patient's findings in the clinician's language.
    staff = client.get(url, headers=world.bob.headers)
    assert "Recovery report" in _flat(pdf_pages(staff.content))
    asked = client.get(url, headers={**world.bob.headers, "Accept-Language": "es-MX,en;q=0.5"})
    assert "Informe de recuperación" in _flat(pdf_pages(asked.content))
