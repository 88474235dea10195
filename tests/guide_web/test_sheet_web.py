"""The personal aftercare sheet: page and one-page PDF, for the patient and their clinic."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from needlecare.guide import build_aftercare_sheet
from needlecare.guide.protocols import protocol_from_text
from needlecare.storage.models import AuditEntry, Treatment
from needlecare.web.pages.guide import sheet_document

from .conftest import HTML, login


def _set_treatment(app: FastAPI, world: Any, when: date, depth: float = 1.0) -> None:
    with app.state.session_factory() as session:
        treatment = session.get(Treatment, world.treatments["pat"])
        assert treatment is not None
        treatment.treatment_date, treatment.depth_mm = when, depth
        session.commit()


def _pages_of(pdf: bytes, tmp_path: Any) -> int:
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler's pdfinfo is not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    assert found, info.stdout
    return int(found.group(1))


def test_the_sheet_page_dates_are_right_across_a_month_end(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    # 1.0 mm pen (band D) on Thursday 29 January 2026: vitamin C (day 7) on Thursday 5
    # February, the next session (day 28) on Thursday 26 February.
    _set_treatment(app, world, date(2026, 1, 29))
    login(client, world.pat.user_id)
    response = client.get("/guide/sheet")
    assert response.status_code == 200
    text = response.text
    assert "Treatment on Thursday 29 January 2026: 1 mm, microneedling pen" in text
    assert "From Thursday 5 February: vitamin C" in text
    assert "Not before Thursday 26 February" in text
    assert "From Friday 30 January" in text  # day 1: gentle cleanser
    assert "(already allowed)" in text  # these dates are in the past by now
    # every citation on the sheet links to its source
    assert re.search(r'<a class="cite" href="/guide/sources#AC-\d\d"', text)
    assert 'href="/guide/sheet.pdf"' in text
    with app.state.session_factory() as session:
        assert session.query(AuditEntry).filter_by(action="sheet.read").count() == 1


def test_dates_cross_a_year_end_and_a_leap_day(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    _set_treatment(app, world, date(2027, 12, 29), depth=0.5)  # band M
    login(client, world.pat.user_id)
    text = client.get("/guide/sheet").text
    assert "From Wednesday 5 January 2028: vitamin C" in text  # the year is shown when it changes
    _set_treatment(app, world, date(2028, 2, 22), depth=0.5)
    assert "From Tuesday 29 February: vitamin C" in client.get("/guide/sheet").text


def test_the_pdf_is_one_page(app: FastAPI, client: TestClient, world: Any, tmp_path: Any) -> None:
    login(client, world.pat.user_id)
    response = client.get("/guide/sheet.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _pages_of(response.content, tmp_path) == 1


def test_the_longest_sheet_still_fits_one_page() -> None:
    """The most lines a sheet can have: RF (longest windows), skin type VI (pigment lines),
    a clinic protocol with instructions, dates that show a year."""
    protocol = protocol_from_text(
        'schema_version = 1\nname = "A clinic with a rather long protocol name"\nversion = 12\n'
        "[windows.vitamin_c]\nresume_day = 10\n"
        + "".join(
            f'[[instructions]]\ntext = "{text}"\nsource = "clinic policy"\n'
            for text in (
                "Use the post-care balm from your kit twice a day for the first three days.",
                "Sleep on a fresh, clean pillowcase on the first night after treatment.",
                "Call the clinic line before you restart any prescription cream at home.",
            )
        )
    )
    sheet = build_aftercare_sheet(
        date(2026, 12, 20), 2.0, "rf", 6, protocol, today=date(2026, 12, 21)
    )
    assert len(sheet.group("clinic").lines) == 3
    assert len(sheet_document(sheet).pages) == 1


def test_staff_see_their_patients_sheet_and_pdf(
    app: FastAPI, client: TestClient, world: Any, tmp_path: Any
) -> None:
    pat = world.patients["pat"]
    login(client, world.bob.user_id)
    response = client.get(f"/clinic/patients/{pat}/sheet")
    assert response.status_code == 200
    assert "Your aftercare sheet" in response.text
    assert f'href="/clinic/patients/{pat}/sheet.pdf"' in response.text
    pdf = client.get(f"/clinic/patients/{pat}/sheet.pdf")
    assert pdf.status_code == 200 and _pages_of(pdf.content, tmp_path) == 1


def test_the_sheet_needs_a_login_and_the_right_person(
    app: FastAPI, client: TestClient, world: Any
) -> None:
    response = client.get("/guide/sheet", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/guide/sheet.pdf", follow_redirects=False).status_code in (303, 401)
    login(client, world.bob.user_id)  # staff have no sheet of their own
    assert client.get("/guide/sheet", headers=HTML).status_code == 403
    login(client, world.sol.user_id)  # a personal account: the default windows
    assert "Clinic protocol" not in client.get("/guide/sheet").text


def test_the_sheet_pdf_with_every_pdf_slot_taken_is_503(
    app: FastAPI, client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from needlecare.services import budget

    monkeypatch.setattr(budget, "QUEUE_WAIT_S", 0.01)
    taken = threading.BoundedSemaphore(1)
    taken.acquire()
    monkeypatch.setitem(budget._semaphores, "pdf", taken)
    login(client, world.pat.user_id)
    assert client.get("/guide/sheet.pdf").status_code == 503
    assert client.get("/guide/sheet").status_code == 200  # the page itself needs no slot
