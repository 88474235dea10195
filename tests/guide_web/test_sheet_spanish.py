"""Issue 22: the aftercare sheet in Spanish, page and PDF; the PDF follows the stored choice."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from needlecare.guide import build_aftercare_sheet
from needlecare.storage.models import User
from needlecare.web.pages.guide import sheet_document
from translation.untranslated import untranslated

from .conftest import login


def _pdf_text(pdf: bytes, tmp_path: Any) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def _choose(app: FastAPI, user_id: int, language: str | None) -> None:
    with app.state.session_factory() as session:
        session.execute(update(User).where(User.id == user_id).values(language=language))
        session.commit()


def test_the_sheet_pdf_is_in_the_language_the_patient_chose(
    app: FastAPI, client: TestClient, world: Any, tmp_path: Any
) -> None:
    _choose(app, world.pat.user_id, "es")
    login(client, world.pat.user_id)
    # The stored choice wins over an English browser: a PDF outlives the browser that asked.
    response = client.get("/guide/sheet.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    text = _pdf_text(response.content, tmp_path)
    assert "TU HOJA DE CUIDADOS" in text.upper()
    assert "SEÑALES DE ALARMA" in text.upper()
    assert untranslated(" ".join(text.split())) == []
    page = client.get("/guide/sheet")
    assert '<html lang="es">' in page.text and untranslated(page.text) == []


def test_the_clinics_copy_of_the_pdf_is_in_the_patients_language(
    app: FastAPI, client: TestClient, world: Any, tmp_path: Any
) -> None:
    _choose(app, world.pat.user_id, "es")
    login(client, world.bob.user_id)
    pdf = client.get(f"/clinic/patients/{world.patients['pat']}/sheet.pdf")
    assert pdf.status_code == 200
    assert "SEÑALES DE ALARMA" in _pdf_text(pdf.content, tmp_path).upper()


def test_the_longest_spanish_sheet_still_fits_one_page() -> None:
    # Spanish runs about a fifth longer than English: RF, skin type VI, a year in the dates.
    sheet = build_aftercare_sheet(
        date(2026, 12, 20), 2.0, "rf", 6, None, "es", today=date(2026, 12, 21)
    )
    assert len(sheet_document(sheet).pages) == 1
