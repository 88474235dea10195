"""The label photo kept with a shelf product (issue 21): only when saved, without metadata,
served to who may see the shelf (audited), gone with the product and with the patient's data
(SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from needlecare.services import auth, deletion
from needlecare.storage.models import AuditEntry, ShelfPhoto
from photos.metadata import SECRET, assert_no_metadata, jpeg_with_everything

API = "/api/v1"
LABEL = Path(__file__).parents[1] / "ocr" / "photos" / "clean_retinol_serum.jpg"
SERUM = "Aqua, Glycerin, Retinol, Tocopherol"


def _label_with_metadata() -> bytes:
    return jpeg_with_everything(Image.open(LABEL).convert("RGB"))


def _shelf_url(world: Any) -> str:
    return f"{API}/patients/{world.patients['pat']}/shelf"


def _add(client: TestClient, world: Any, name: str = "Night serum") -> int:
    added = client.post(
        _shelf_url(world),
        json={"name": name, "inci_text": SERUM},
        headers=world.pat.headers,
    )
    assert added.status_code == 201, added.text
    return int(added.json()["products"][-1]["id"])


def _photos(uow: Any) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(ShelfPhoto)) or 0)


def test_the_kept_photo_is_clean_and_served_to_the_shelf_readers_only(
    client: TestClient, uow: Any, world: Any
) -> None:
    product = _add(client, world)
    assert (
        client.get(_shelf_url(world), headers=world.pat.headers).json()["products"][0]["has_photo"]
        is False
    )
    url = f"{_shelf_url(world)}/{product}/photo"
    assert client.get(url, headers=world.pat.headers).status_code == 404
    original = _label_with_metadata()
    assert SECRET in original
    kept = client.put(
        url, files={"file": ("label.jpg", original, "image/jpeg")}, headers=world.pat.headers
    )
    assert kept.status_code == 204, kept.text
    shelf = client.get(_shelf_url(world), headers=world.pat.headers).json()
    assert shelf["products"][0]["has_photo"] is True
    served = client.get(url, headers=world.pat.headers)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert SECRET not in served.content
    assert_no_metadata(served.content)
    assert client.get(url, headers=world.bob.headers).status_code == 200  # the clinic
    assert client.get(url, headers=world.charlie.headers).status_code == 404  # another clinic
    stranger = client.put(
        url, files={"file": ("label.jpg", original, "image/jpeg")}, headers=world.charlie.headers
    )
    assert stranger.status_code == 404
    with uow:
        actions = set(
            uow.session.scalars(
                select(AuditEntry.action).where(AuditEntry.action.like("shelf.photo.%"))
            )
        )
    assert actions == {"shelf.photo.keep", "shelf.photo.read"}


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(
    client: TestClient, uow: Any, world: Any
) -> None:
    product = _add(client, world)
    url = f"{_shelf_url(world)}/{product}/photo"
    refused = client.put(
        url,
        files={"file": ("label.jpg", b"not a photo at all", "image/jpeg")},
        headers=world.pat.headers,
    )
    assert refused.status_code == 422
    missing = client.put(url, files={"other": ("x", b"", "text/plain")}, headers=world.pat.headers)
    assert missing.status_code in (400, 422)
    assert _photos(uow) == 0
    elsewhere = f"{_shelf_url(world)}/999999/photo"
    no_product = client.put(
        elsewhere,
        files={"file": ("l.jpg", _label_with_metadata(), "image/jpeg")},
        headers=world.pat.headers,
    )
    assert no_product.status_code == 404


def test_the_photo_goes_with_its_product_and_with_the_patients_data(
    client: TestClient, uow: Any, world: Any
) -> None:
    from needlecare.services import shelf

    first, second = _add(client, world), _add(client, world, "Day serum")
    for product in (first, second):
        kept = client.put(
            f"{_shelf_url(world)}/{product}/photo",
            files={"file": ("label.jpg", _label_with_metadata(), "image/jpeg")},
            headers=world.pat.headers,
        )
        assert kept.status_code == 204
    assert _photos(uow) == 2
    exported = client.get(f"{API}/me/export", headers=world.pat.headers)
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("shelf/"))
        assert names == sorted(f"shelf/{p}-label.jpg" for p in (first, second))
        assert_no_metadata(archive.read(names[0]))
    pat = auth.principal_for_token(uow, world.pat.token)
    assert shelf.remove_product(uow, pat, world.patients["pat"], first)
    assert _photos(uow) == 1
    deletion.delete_my_data(uow, pat, deletion.DELETE_CONFIRMATION)
    assert _photos(uow) == 0


def test_the_patient_keeps_and_sees_the_label_photo_on_my_products(
    client: TestClient, app: Any, world: Any
) -> None:
    import re
    import secrets

    from page_session import set_page_session

    product = _add(client, world)
    set_page_session(client, {"uid": world.pat.user_id, "csrf": secrets.token_urlsafe(32)})
    page = client.get("/products/mine").text
    assert f'action="/products/mine/{product}/photo"' in page and 'capture="environment"' in page
    assert f'href="/products/mine/{product}/photo"' not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    url = f"/products/mine/{product}/photo"
    bad = client.post(
        url, data={"csrf_token": token}, files={"file": ("l.jpg", b"not a photo", "image/jpeg")}
    )
    assert bad.status_code == 422
    # The message is next to that product's file input, not only in the summary at the top.
    field = re.search(
        rf'<div class="field has-error">\s*<label for="label-photo-{product}">.*?</div>',
        bad.text,
        re.S,
    )
    assert field is not None, bad.text
    assert f'id="label-photo-{product}-error"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0) and "not an image" in field.group(0)
    assert f'href="#label-photo-{product}"' in bad.text  # the summary links to the input
    kept = client.post(
        url,
        data={"csrf_token": token},
        files={"file": ("l.jpg", _label_with_metadata(), "image/jpeg")},
        follow_redirects=False,
    )
    assert kept.status_code == 303
    page = client.get("/products/mine").text
    assert f'href="/products/mine/{product}/photo"' in page
    served = client.get(url)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert_no_metadata(served.content)


def _products(uow: Any) -> int:
    from needlecare.storage.models import ShelfProduct

    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(ShelfProduct)) or 0)


def _fields(error: Any) -> set[str]:
    return {item["field"] for item in error.json()["errors"]}


def test_the_api_adds_a_product_with_its_label_photo_in_one_step(
    client: TestClient, uow: Any, world: Any
) -> None:
    """POST .../shelf/with-photo (multipart): the page's "Save to my products" for API
    clients; the photo is kept clean, the product judged like any other."""
    url = f"{_shelf_url(world)}/with-photo"
    original = _label_with_metadata()
    fields = {"name": "Night serum", "brand": "Lab", "inci_text": SERUM, "rinse_off": "false"}
    added = client.post(
        url,
        data=fields,
        files={"file": ("label.jpg", original, "image/jpeg")},
        headers=world.pat.headers,
    )
    assert added.status_code == 201, added.text
    (product,) = added.json()["products"]
    assert product["name"] == "Night serum" and product["brand"] == "Lab"
    assert product["has_photo"] is True and product["rinse_off"] is False
    assert product["status"] in ("avoid", "caution")  # retinol, judged as any shelf product
    served = client.get(f"{_shelf_url(world)}/{product['id']}/photo", headers=world.pat.headers)
    assert served.status_code == 200 and SECRET not in served.content
    assert_no_metadata(served.content)
    staff = client.post(
        url,
        data={**fields, "name": "For the patient"},
        files={"file": ("label.jpg", original, "image/jpeg")},
        headers=world.bob.headers,
    )
    assert staff.status_code == 201  # the patient's clinic, as for POST .../shelf
    stranger = client.post(
        url,
        data=fields,
        files={"file": ("label.jpg", original, "image/jpeg")},
        headers=world.charlie.headers,
    )
    assert stranger.status_code == 404
    assert (_products(uow), _photos(uow)) == (2, 2)


def test_the_one_step_add_refuses_bad_fields_before_the_photo_and_stores_nothing(
    client: TestClient, uow: Any, world: Any
) -> None:
    url = f"{_shelf_url(world)}/with-photo"
    photo = {"file": ("label.jpg", _label_with_metadata(), "image/jpeg")}
    no_name = client.post(
        url,
        data={"name": "", "inci_text": SERUM},
        files={"file": ("label.jpg", b"not a photo at all", "image/jpeg")},
        headers=world.pat.headers,
    )
    assert no_name.status_code == 422 and _fields(no_name) == {"name"}  # not decoded
    not_a_list = client.post(
        url, data={"name": "Serum", "inci_text": "###"}, files=photo, headers=world.pat.headers
    )
    assert not_a_list.status_code == 422 and "inci_text" in _fields(not_a_list)
    unknown = client.post(
        url,
        data={"name": "Serum", "inci_text": SERUM, "owner": "x"},
        files=photo,
        headers=world.pat.headers,
    )
    assert unknown.status_code == 422 and _fields(unknown) == {"owner"}
    not_a_photo = client.post(
        url,
        data={"name": "Serum", "inci_text": SERUM},
        files={"file": ("label.jpg", b"not a photo at all", "image/jpeg")},
        headers=world.pat.headers,
    )
    assert not_a_photo.status_code == 422 and _fields(not_a_photo) == {"file"}
    without_photo = client.post(
        url,
        data={"name": "Serum", "inci_text": SERUM},
        files={"other": ("x", b"", "text/plain")},
        headers=world.pat.headers,
    )
    assert without_photo.status_code == 422 and _fields(without_photo) == {"file"}
    as_json = client.post(
        url, json={"name": "Serum", "inci_text": SERUM}, headers=world.pat.headers
    )
    assert as_json.status_code == 422 and _fields(as_json) == {"file"}
    assert (_products(uow), _photos(uow)) == (0, 0)
