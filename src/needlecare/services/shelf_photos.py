"""The label photo a patient keeps with a product on their shelf (issue 21).

A scan's photo is only read, never kept (`services.label_scan`); it is stored only when the
patient saves it with the product, and then as the photo upload's guards re-encode it: an
isolated, budgeted decode, EXIF orientation applied, every metadata block (GPS, camera,
comments) dropped (`services.photo_decode.sanitize_upload`). Who may see the shelf may see the
photo; every read and write is audited; it goes with its product and with the patient's data.
"""

from __future__ import annotations

from needlecare.i18n import N_
from needlecare.services import audit, shelf
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.photo_decode import PhotoTooLarge, sanitize_upload
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.storage.base import utcnow
from needlecare.storage.models import Patient, ShelfPhoto, ShelfProduct
from needlecare.storage.uow import UnitOfWork

FIELD = "file"
SCAN_FIELD = "label_photo"  # the scan's photo, carried by the page to "Save to my products"


def _product(uow: UnitOfWork, actor: Principal, patient_id: int, product_id: int) -> Patient:
    patient = patient_for(uow.session, actor, patient_id)
    product = uow.session.get(ShelfProduct, product_id)
    if product is None or product.patient_id != patient.id:
        raise NotFound("shelf product")
    return patient


def keep_photo(
    uow: UnitOfWork, actor: Principal, patient_id: int, product_id: int, content: bytes | None
) -> None:
    """Keep (or replace) the product's label photo, clean. The decode runs before the
    transaction; a refused file changes nothing."""
    if not content:
        raise Invalid.field(FIELD, N_("Choose or take a photo of the label."))
    with uow.reading():
        _product(uow, actor, patient_id, product_id)  # a stranger's upload is not decoded
    clean = sanitize_upload(content)
    with uow:
        patient = _product(uow, actor, patient_id, product_id)
        row = uow.session.get(ShelfPhoto, product_id)
        if row is None:
            uow.session.add(
                ShelfPhoto(product_id=product_id, jpeg=clean.image, sha256=clean.sha256)
            )
        else:
            row.jpeg, row.sha256, row.created_at = clean.image, clean.sha256, utcnow()
        uow.session.flush()
        audit.record_for_patient(
            uow.session, actor, "shelf.photo.keep", "shelf_product", product_id, patient
        )
        uow.commit()


def photo_jpeg(uow: UnitOfWork, actor: Principal, patient_id: int, product_id: int) -> bytes:
    """The kept label photo (JPEG); NotFound when there is none."""
    with uow:
        patient = _product(uow, actor, patient_id, product_id)
        row = uow.session.get(ShelfPhoto, product_id)
        if row is None:
            raise NotFound("label photo")
        audit.record_for_patient(
            uow.session, actor, "shelf.photo.read", "shelf_product", product_id, patient
        )
        uow.commit()
        return row.jpeg


def add_with_photo(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    data: shelf.ShelfProductCreate,
    content: bytes,
    photo_field: str = SCAN_FIELD,
) -> ShelfProduct:
    """ "Save to my products" after a scan: the product and the scan's photo in one action.
    The photo is stored only now, re-encoded by the photo upload's guards like any kept
    photo (it came back from the browser, so it is untrusted); a refused photo adds
    nothing, and a form error is found before any decode. `photo_field`: the field a refused
    photo is reported on (the page's carried photo, the API's `file`)."""
    shelf.validate(data)
    with uow.reading():
        patient_for(uow.session, actor, patient_id)  # a stranger's upload is not decoded
    try:
        clean = sanitize_upload(content)
    except (Invalid, PhotoTooLarge) as error:
        message = error.errors[0].message if isinstance(error, Invalid) else str(error)
        raise Invalid.field(photo_field, message) from None
    return shelf.add_product(uow, actor, patient_id, data, label_photo=clean)
