"""A phone's photo of a label is 2-5 MB: every route that takes a label photo accepts it (the
server's body budget for these routes is the photo upload's, not a page form's 512 KB)."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from needlecare.web.hardening import DEFAULT_BODY_LIMIT, UPLOAD_BODY_LIMIT, body_limit

API = "/api/v1"
LABEL = Path(__file__).parent / "photos" / "clean_retinol_serum.jpg"


def phone_photo() -> bytes:
    """The label at 12 MP with the sensor noise a phone photo has: about 3 MB as a JPEG."""
    label = Image.open(LABEL).convert("RGB").resize((4000, 3000))
    noise = np.random.default_rng(random.Random(21).randrange(2**32)).normal(0, 6, (3000, 4000, 3))
    pixels = (np.asarray(label, dtype=np.float32) + noise).clip(0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=92)
    return out.getvalue()


@pytest.mark.parametrize(
    "path",
    [
        "/products/scan",
        "/products/mine/7/photo",
        f"{API}/patients/3/ingredient-scan",
        f"{API}/patients/3/shelf/7/photo",
    ],
)
def test_label_photo_routes_have_the_upload_budget(path: str) -> None:
    assert body_limit(path) == UPLOAD_BODY_LIMIT


def test_other_pages_keep_the_small_budget() -> None:
    assert body_limit("/products/mine/remove") == DEFAULT_BODY_LIMIT
    assert body_limit("/products/mine/7/remove") == DEFAULT_BODY_LIMIT
    assert body_limit(f"{API}/patients/3/shelf") == DEFAULT_BODY_LIMIT


def test_a_phone_sized_label_photo_is_read(client: TestClient, world: Any) -> None:
    photo = phone_photo()
    assert len(photo) > 2 * DEFAULT_BODY_LIMIT
    response = client.post(
        f"{API}/patients/{world.patients['pat']}/ingredient-scan",
        files={"file": ("label.jpg", photo, "image/jpeg")},
        headers=world.pat.headers,
    )
    assert response.status_code == 200, response.text[:300]
    names = [i["name"] for i in response.json()["ingredients"] if i["recognized"]]
    assert "RETINOL" in names
