"""A scan's photo, kept with the product in the same action as "Save to my products" (issue
21): carried by the page without metadata, stored only when the patient saves the product
with it ticked, through the photo upload's guards; a refused photo or a form error adds
nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import secrets
from base64 import b64decode, b64encode
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from needlecare.storage.models import AuditEntry, Photo, ShelfPhoto, ShelfProduct
from needlecare.storage.uow import UnitOfWork
from page_session import set_page_session
from photos.metadata import SECRET, assert_no_metadata, jpeg_with_everything

LABEL = Path(__file__).parents[1] / "ocr" / "photos" / "clean_retinol_serum.jpg"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CARRIED = re.compile(r'<input type="hidden" name="label_photo" value="([^"]+)">')
TEXTAREA = re.compile(r'<textarea id="ingredients"[^>]*>(.*?)</textarea>', re.S)


@pytest.fixture
def as_pat(client: TestClient, app: FastAPI, world: Any) -> TestClient:
    set_page_session(client, {"uid": world.pat.user_id, "csrf": secrets.token_urlsafe(32)})
    return client


def _count(uow: UnitOfWork, model: Any) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _scan_and_check(client: TestClient) -> tuple[str, str, str]:
    """Scan a photo with GPS and camera metadata, check the list: (verdict page, carried
    photo, list)."""
    page = client.get("/products")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    photo = jpeg_with_everything(Image.open(LABEL).convert("RGB"))
    assert SECRET in photo
    scanned = client.post(
        "/products/scan",
        data={"csrf_token": token},
        files={"file": ("label.jpg", photo, "image/jpeg")},
    )
    assert scanned.status_code == 200, scanned.text[:300]
    carried = CARRIED.search(scanned.text).group(1)  # type: ignore[union-attr]
    assert f'src="data:image/jpeg;base64,{carried}"' in scanned.text  # to compare with
    ingredients = unescape(TEXTAREA.search(scanned.text).group(1))  # type: ignore[union-attr]
    checked = client.post(
        "/products",
        data={"ingredients": ingredients, "label_photo": carried, "csrf_token": token},
    )
    assert checked.status_code == 200 and "verdict-avoid" in checked.text
    save_form = checked.text[checked.text.index('action="/products/mine"') :]
    assert CARRIED.search(save_form).group(1) == carried  # type: ignore[union-attr]
    assert re.search(r'name="keep_photo" value="yes" checked', save_form)
    return checked.text, carried, ingredients


def _save(client: TestClient, page: str, **fields: str) -> Any:
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    return client.post(
        "/products/mine", data={"csrf_token": token, **fields}, follow_redirects=False
    )


def test_the_photo_rides_along_clean_and_is_stored_only_when_saved(
    as_pat: TestClient, uow: UnitOfWork
) -> None:
    page, carried, ingredients = _scan_and_check(as_pat)
    copy = b64decode(carried)
    assert SECRET not in copy
    assert_no_metadata(copy)
    # Scanned and checked, not saved: nothing is stored.
    assert _count(uow, ShelfPhoto) == 0 and _count(uow, Photo) == 0
    assert _count(uow, ShelfProduct) == 0
    saved = _save(
        as_pat,
        page,
        name="Night serum",
        ingredients=ingredients,
        label_photo=carried,
        keep_photo="yes",
    )
    assert saved.status_code == 303
    assert _count(uow, ShelfProduct) == 1 and _count(uow, ShelfPhoto) == 1
    with uow:
        product = uow.session.scalars(select(ShelfProduct)).one()
        actions = set(uow.session.scalars(select(AuditEntry.action)))
    assert {"shelf.add", "shelf.photo.keep"} <= actions
    shelf = as_pat.get("/products/mine").text
    assert "with your photo of its label" in shelf
    served = as_pat.get(f"/products/mine/{product.id}/photo")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert SECRET not in served.content
    assert_no_metadata(served.content)


def test_unticked_the_product_is_saved_without_the_photo(
    as_pat: TestClient, uow: UnitOfWork
) -> None:
    page, carried, ingredients = _scan_and_check(as_pat)
    saved = _save(as_pat, page, name="Night serum", ingredients=ingredients, label_photo=carried)
    assert saved.status_code == 303
    assert _count(uow, ShelfProduct) == 1 and _count(uow, ShelfPhoto) == 0


def test_a_refused_photo_adds_nothing_and_says_so_by_the_checkbox(
    as_pat: TestClient, uow: UnitOfWork
) -> None:
    page, _, ingredients = _scan_and_check(as_pat)
    forged = b64encode(b"Aqua, Glycerin: not a photo at all").decode()
    refused = _save(
        as_pat,
        page,
        name="Night serum",
        ingredients=ingredients,
        label_photo=forged,
        keep_photo="yes",
    )
    assert refused.status_code == 422
    field = re.search(
        r'<div class="field has-error">\s*<img class="label-photo".*?</div>', refused.text, re.S
    )
    assert field is not None and 'id="keep_photo-error"' in field.group(0)
    assert "not an image" in field.group(0)
    assert 'href="#keep_photo"' in refused.text
    assert _count(uow, ShelfProduct) == 0 and _count(uow, ShelfPhoto) == 0


def test_a_form_error_keeps_the_photo_in_the_form_and_stores_nothing(
    as_pat: TestClient, uow: UnitOfWork
) -> None:
    page, carried, ingredients = _scan_and_check(as_pat)
    missing_name = _save(
        as_pat, page, name="", ingredients=ingredients, label_photo=carried, keep_photo="yes"
    )
    assert missing_name.status_code == 422
    assert 'id="name-error"' in missing_name.text
    assert CARRIED.search(missing_name.text).group(1) == carried  # type: ignore[union-attr]
    assert _count(uow, ShelfProduct) == 0 and _count(uow, ShelfPhoto) == 0
    # Corrected on the shelf page, saved with the photo.
    saved = _save(
        as_pat,
        missing_name.text,
        name="Night serum",
        ingredients=ingredients,
        label_photo=carried,
        keep_photo="yes",
    )
    assert saved.status_code == 303
    assert _count(uow, ShelfProduct) == 1 and _count(uow, ShelfPhoto) == 1


def test_text_that_is_not_base64_is_not_carried(as_pat: TestClient, uow: UnitOfWork) -> None:
    page = as_pat.get("/products/mine").text
    saved = _save(
        as_pat,
        page,
        name="Night serum",
        ingredients="Aqua, Glycerin, Retinol",
        label_photo="<not base64>",
        keep_photo="yes",
    )
    assert saved.status_code == 303
    assert _count(uow, ShelfProduct) == 1 and _count(uow, ShelfPhoto) == 0
