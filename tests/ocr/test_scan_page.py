"""Product checker page, "Scan the label": the recognised list comes back in the text box for
the patient to correct, nothing is stored, bad files get a clear message (both databases)."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageFilter
from sqlalchemy import func, select

from needlecare.storage.models import AuditEntry, Photo
from needlecare.storage.uow import UnitOfWork
from page_session import set_page_session

PHOTOS = Path(__file__).parent / "photos"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TEXTAREA = re.compile(r'<textarea id="ingredients"[^>]*>(.*?)</textarea>', re.S)


@pytest.fixture
def as_pat(client: TestClient, app: FastAPI, world: Any) -> TestClient:
    set_page_session(client, {"uid": world.pat.user_id, "csrf": secrets.token_urlsafe(32)})
    return client


def _scan(client: TestClient, content: bytes, name: str = "label.jpg", token: bool = True) -> Any:
    page = client.get("/products")
    assert page.status_code == 200
    data = {"csrf_token": CSRF.search(page.text).group(1)} if token else {}  # type: ignore[union-attr]
    return client.post("/products/scan", data=data, files={"file": (name, content, "image/jpeg")})


def test_the_page_offers_the_camera_without_javascript(as_pat: TestClient) -> None:
    html = as_pat.get("/products").text
    assert 'action="/products/scan"' in html and 'enctype="multipart/form-data"' in html
    assert 'accept="image/*" capture="environment"' in html


def test_reloading_the_scan_result_goes_back_to_the_checker(as_pat: TestClient) -> None:
    """The scan's result page is the answer to a POST; a reload, bookmark or "back" onto its
    URL is a GET, which leads back to the checker rather than to an error page."""
    response = as_pat.get("/products/scan", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/products"


def test_a_scan_fills_the_list_for_correction_then_the_usual_check_gives_the_verdict(
    as_pat: TestClient, uow: UnitOfWork
) -> None:
    response = _scan(as_pat, (PHOTOS / "clean_retinol_serum.jpg").read_bytes())
    assert response.status_code == 200, response.text
    html = response.text
    assert "Read from your photo" in html and "verdict-" not in html
    # how sure the reading is, in the patient's words: not the OCR engine's name
    assert re.search(r"How sure the reading is: \d+ %\.", html) and "tesseract" not in html
    recognised = TEXTAREA.search(html).group(1)  # type: ignore[union-attr]
    assert "Retinol" in recognised and "Phenoxyethanol" in recognised
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Photo)) == 0  # not kept
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert "product.scan" in actions
    corrected = recognised.replace("&amp;", "&")
    token = CSRF.search(html).group(1)  # type: ignore[union-attr]
    verdict = as_pat.post("/products", data={"ingredients": corrected, "csrf_token": token})
    assert verdict.status_code == 200 and "verdict-avoid" in verdict.text


def test_names_read_with_low_confidence_are_listed_to_check(as_pat: TestClient) -> None:
    blurred = io.BytesIO()
    photo = Image.open(PHOTOS / "moderate_glycolic_toner.jpg")
    photo.filter(ImageFilter.GaussianBlur(1.3)).save(blurred, "JPEG", quality=50)
    response = _scan(as_pat, blurred.getvalue())
    assert response.status_code == 200
    assert "Check these names on the label" in response.text
    listed = re.search(r'<ul class="scan-check">(.*?)</ul>', response.text, re.S)
    assert listed and "Aloe Barbadensis Leaf Juice" in listed.group(1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + b"\0" * 64, "GIF files are not accepted"),
        (b"Aqua, Glycerin, Retinol", "not an image"),
        (b"", "Choose or take a photo"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_else(
    as_pat: TestClient, content: bytes, message: str
) -> None:
    response = _scan(as_pat, content)
    assert response.status_code == 422
    assert message in response.text and 'id="file-error"' in response.text
    assert "Read from your photo" not in response.text


def test_the_scan_needs_the_csrf_token(as_pat: TestClient) -> None:
    response = _scan(as_pat, (PHOTOS / "clean_retinol_serum.jpg").read_bytes(), token=False)
    assert response.status_code == 403


def test_staff_cannot_use_the_patient_scan(client: TestClient, app: FastAPI, world: Any) -> None:
    set_page_session(client, {"uid": world.alice.user_id, "csrf": "x"})
    response = client.post(
        "/products/scan", files={"file": ("l.jpg", b"\xff\xd8\xff", "image/jpeg")}
    )
    assert response.status_code in (403, 404)


def test_the_scan_errors_are_said_in_the_readers_language(as_pat: TestClient) -> None:
    spanish = {"accept-language": "es"}
    page = as_pat.get("/products", headers=spanish)
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    empty = as_pat.post(
        "/products/scan",
        data={"csrf_token": token},
        files={"file": ("label.jpg", b"", "image/jpeg")},
        headers=spanish,
    )
    assert empty.status_code == 422
    assert "Elige o haz una foto de la lista de ingredientes." in empty.text
    assert "Choose or take a photo" not in empty.text
    blank = io.BytesIO()
    Image.new("RGB", (900, 600), (245, 240, 232)).save(blank, "JPEG")
    unreadable = as_pat.post(
        "/products/scan",
        data={"csrf_token": token},
        files={"file": ("label.jpg", blank.getvalue(), "image/jpeg")},
        headers=spanish,
    )
    assert unreadable.status_code == 422
    assert "No se pudo leer ninguna lista de ingredientes en esta foto." in unreadable.text
