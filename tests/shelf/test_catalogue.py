"""The clinic's catalogue (issue 21): staff add products with barcodes; a patient's photo of
a listed barcode gives the catalogue's list; unknown codes fall back to reading the label;
another clinic's catalogue is never used (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from needlecare.services import auth, label_scan

API = "/api/v1"
LABEL = Path(__file__).parents[1] / "ocr" / "photos" / "clean_bland_moisturiser.jpg"
SERUM = "Aqua, Glycerin, Retinol, Tocopherol"
EAN = "4006381333931"


def _photo_with_barcode(code: str, beside_label: bool = False) -> bytes:
    """A JPEG of a barcode (and, if asked, the label photo under it), as a phone takes it."""
    bars = Image.fromarray(
        np.asarray(zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.EAN13).to_image(scale=4))
    ).convert("RGB")
    base = (
        Image.open(LABEL).convert("RGB") if beside_label else Image.new("RGB", (900, 500), "white")
    )
    canvas = Image.new(
        "RGB", (max(base.width, bars.width + 80), base.height + bars.height + 80), "white"
    )
    canvas.paste(base, (0, 0))
    canvas.paste(bars, (40, base.height + 40))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=90)
    return out.getvalue()


def _add(client: TestClient, who: Any, **body: Any) -> Any:
    return client.post(f"{API}/clinic/catalogue", json=body, headers=who.headers)


def test_staff_keep_a_catalogue_with_barcodes(client: TestClient, world: Any) -> None:
    created = _add(client, world.bob, name="Repair serum", inci_text=SERUM, barcode=EAN)
    assert created.status_code == 201, created.text
    assert created.json()["barcode"] == EAN
    listed = client.get(f"{API}/clinic/catalogue", headers=world.alice.headers).json()
    assert [p["name"] for p in listed] == ["Repair serum"]
    assert client.get(f"{API}/clinic/catalogue", headers=world.charlie.headers).json() == []
    twice = _add(client, world.alice, name="Again", inci_text=SERUM, barcode=EAN)
    assert twice.status_code == 409
    bad = _add(client, world.bob, name="X", inci_text=SERUM, barcode="12ab")
    assert bad.status_code == 422
    patient = client.get(f"{API}/clinic/catalogue", headers=world.pat.headers)
    assert patient.status_code == 403


def test_a_listed_barcode_gives_the_catalogues_list(
    client: TestClient, uow: Any, world: Any
) -> None:
    assert (
        _add(client, world.bob, name="Repair serum", inci_text=SERUM, barcode=EAN).status_code
        == 201
    )
    pat = auth.principal_for_token(uow, world.pat.token)
    scan = label_scan.read_label_photo(uow, pat, world.patients["pat"], _photo_with_barcode(EAN))
    assert scan.catalogue_name == "Repair serum" and scan.text == SERUM
    assert scan.engine == "barcode" and scan.to_check == []
    api = client.post(
        f"{API}/patients/{world.patients['pat']}/ingredient-scan",
        files={"file": ("p.jpg", _photo_with_barcode(EAN), "image/jpeg")},
        headers=world.pat.headers,
    ).json()
    assert api["ocr"]["engine"] == "barcode" and api["verdict"]["status"] == "avoid"


def test_an_unknown_code_or_another_clinics_code_falls_back_to_the_label(
    client: TestClient, uow: Any, world: Any
) -> None:
    assert (
        _add(client, world.charlie, name="Birch serum", inci_text=SERUM, barcode=EAN).status_code
        == 201
    )
    pat = auth.principal_for_token(uow, world.pat.token)
    photo = _photo_with_barcode(EAN, beside_label=True)
    scan = label_scan.read_label_photo(uow, pat, world.patients["pat"], photo)
    assert scan.catalogue_name is None and scan.engine == "tesseract"
    assert "Glycerin" in scan.text and "Retinol" not in scan.text


def test_a_recommendation_picks_from_the_catalogue_and_lands_on_the_shelf(
    client: TestClient, app: Any, uow: Any, world: Any
) -> None:
    import re
    import secrets

    from needlecare.services import shelf
    from page_session import set_page_session

    ours = _add(client, world.bob, name="Repair serum", inci_text=SERUM, barcode=EAN).json()
    theirs = _add(client, world.charlie, name="Birch balm", inci_text=SERUM).json()
    set_page_session(client, {"uid": world.bob.user_id, "csrf": secrets.token_urlsafe(32)})
    page = client.get(f"/clinic/patients/{world.patients['pat']}")
    assert 'name="catalogue_id"' in page.text and "Repair serum" in page.text
    assert "Birch balm" not in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    action = f"/clinic/patients/{world.patients['pat']}/recommendations"
    picked = client.post(
        action,
        data={
            "catalogue_id": str(ours["id"]),
            "product_name": "",
            "csrf_token": token,
            # The serum's retinol is "avoid" on day 5: recommending it needs the confirmation.
            "acknowledge_avoid": "yes",
        },
        follow_redirects=False,
    )
    assert picked.status_code == 303
    foreign = client.post(
        action,
        data={"catalogue_id": str(theirs["id"]), "product_name": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert foreign.status_code == 404
    pat = auth.principal_for_token(uow, world.pat.token)
    entries = shelf.get_shelf(uow, pat, world.patients["pat"]).entries
    assert [(e.name, e.inci_text) for e in entries] == [("Repair serum", SERUM)]


def test_gtin_check_digits() -> None:
    from needlecare.services.catalogue import gtin_check_digit_ok

    for good in (EAN, "96385074", "036000291452", "10614141000415"):
        assert gtin_check_digit_ok(good), good
    for bad in ("4006381333932", "4006381339331", "96385075", "036000291453"):
        assert not gtin_check_digit_ok(bad), bad


def test_a_mistyped_barcode_is_refused_and_nothing_is_stored(
    client: TestClient, world: Any
) -> None:
    typo = _add(client, world.bob, name="Serum", inci_text=SERUM, barcode="4006381333932")
    assert typo.status_code == 422 and "last digit" in typo.text
    wrong_length = _add(client, world.bob, name="Serum", inci_text=SERUM, barcode="123456789")
    assert wrong_length.status_code == 422
    assert client.get(f"{API}/clinic/catalogue", headers=world.bob.headers).json() == []


def _staff_page_client(client: TestClient, app: Any, who: Any) -> TestClient:
    import secrets

    from page_session import set_page_session

    set_page_session(client, {"uid": who.user_id, "csrf": secrets.token_urlsafe(32)})
    return client


def test_catalogue_page_lists_adds_and_refuses_bad_input_audited(
    client: TestClient, app: Any, uow: Any, world: Any
) -> None:
    import re

    from sqlalchemy import func, select

    from needlecare.storage.models import AuditEntry, CatalogueProduct

    _add(client, world.charlie, name="Birch balm", inci_text=SERUM)
    desk = _staff_page_client(client, app, world.bob)
    page = desk.get("/clinic/catalogue")
    assert page.status_code == 200 and "The catalogue is empty" in page.text
    assert "Birch balm" not in page.text and 'href="/clinic/catalogue"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"name": "Repair serum", "brand": "Lab", "ingredients": SERUM, "csrf_token": token}
    added = desk.post(
        "/clinic/catalogue", data={**form, "barcode": "4006 3813 3393 1"}, follow_redirects=False
    )
    assert added.status_code == 303
    html = desk.get("/clinic/catalogue").text
    assert "Repair serum" in html and EAN in html and "verdict-avoid" in html
    typo = desk.post("/clinic/catalogue", data={**form, "barcode": "4006381333932"})
    assert typo.status_code == 422 and "last digit does not match" in typo.text
    assert 'aria-invalid="true"' in typo.text and "4006381333932" in typo.text
    twice = desk.post("/clinic/catalogue", data={**form, "barcode": EAN})
    assert twice.status_code == 409 and "already in the catalogue" in twice.text
    assert "A product with this barcode is already in the catalogue." in twice.text
    empty = desk.post("/clinic/catalogue", data={**form, "ingredients": ""})
    assert empty.status_code == 422
    with uow:
        rows = uow.session.scalars(
            select(CatalogueProduct.name).where(CatalogueProduct.clinic_id == world.alder_id)
        ).all()
        audited = uow.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "catalogue.add")
        )
    assert rows == ["Repair serum"]
    assert audited == 2  # charlie's (API) and bob's (page)
    patient = _staff_page_client(client, app, world.pat).get(
        "/clinic/catalogue", follow_redirects=False
    )
    assert patient.status_code in (303, 403, 404)
