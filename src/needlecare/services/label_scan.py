"""Reading a patient's product label from a photo, for them to correct before the verdict.

The photo goes through the photo upload's guards and budgeted decode (in a child process
under CPU and memory limits: `services.photo_decode.readable_upload`); the barcode reader and the
OCR then read that decoded copy, never the upload. The photo is not stored: the recognised
text comes back, with a reduced copy without metadata for
the page to carry until the patient saves the product (`services.shelf_photos.add_with_photo`
stores it then, and only then). Every way the reading can fail is an
`Invalid` on the field "file" with a message for people, so the page shows it next to the file
input and nothing is half-done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from needlecare.i18n import N_
from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.ocr import LabelReading, OcrUnavailable, read_label
from needlecare.ocr.barcode import read_barcodes
from needlecare.ocr.prepare import MAX_LONG_SIDE
from needlecare.ocr.repair import repair_reading
from needlecare.ocr.scan import with_ocr
from needlecare.photos.errors import PhotoRejected
from needlecare.photos.sanitize import carried_copy
from needlecare.services import audit, catalogue, photo_decode, products
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.storage.uow import UnitOfWork

FIELD = "file"


@dataclass(frozen=True)
class LabelScan:
    text: str  # the recognised list, for the patient to correct
    confidence: float  # 0-1
    engine: str
    to_check: list[str]  # names read with low confidence: compare them with the label
    scan: dict[str, Any]  # the checker's JSON plus "ocr" (day 0, default windows)
    catalogue_name: str | None = None  # found by its barcode in the clinic's catalogue
    # A reduced copy without metadata (`photos.sanitize.carried_copy`) for the page to hold
    # until "Save to my products"; never stored here.
    photo_copy: bytes | None = None


def read_label_photo(
    uow: UnitOfWork, actor: Principal, patient_id: int, content: bytes | None
) -> LabelScan:
    """Read the ingredient list on a photo, for the patient to correct. OCR runs outside the
    transaction."""
    clinic_id = _check_access(uow, actor, patient_id)
    decoded = _decoded(content)
    reading, catalogue_name = _read(uow, clinic_id, decoded)
    try:
        scan = with_ocr(check_label(reading.text), reading)
    except NotAnIngredientList:
        raise Invalid.field(FIELD, _NO_LIST) from None
    try:
        photo_copy = carried_copy(decoded)  # already decoded once: it cannot fail
    except PhotoRejected:
        photo_copy = None
    return LabelScan(
        text=reading.text,
        confidence=scan["ocr"]["confidence"],
        engine=reading.engine,
        to_check=list(scan["verdict"]["check_against_label"]),
        scan=scan,
        catalogue_name=catalogue_name,
        photo_copy=photo_copy,
    )


def check_label_photo(
    uow: UnitOfWork, actor: Principal, patient_id: int, content: bytes | None, day: int | None
) -> dict[str, Any]:
    """The product checker's verdict for a photo (the patient's day and clinic windows, as
    `products.check_product`), plus what the OCR read (`needlecare.ocr.scan.with_ocr`)."""
    clinic_id = _check_access(uow, actor, patient_id)
    reading, _ = _read(uow, clinic_id, _decoded(content))
    try:
        result = products.check_product(uow, actor, patient_id, reading.text, day=day)
    except Invalid as error:
        if any(e.field == "text" for e in error.errors):
            raise Invalid.field(FIELD, _NO_LIST) from None
        raise
    return with_ocr(result, reading)


_NO_LIST = N_(
    "No ingredient list could be read on this photo. Try closer, in good light, "
    "with the list filling the frame, or type the list."
)
_NO_PHOTO = N_("Choose or take a photo of the ingredient list.")
_NO_ENGINE = N_("Reading photos is not available on this server. Please type the list.")


def _check_access(uow: UnitOfWork, actor: Principal, patient_id: int) -> int | None:
    """The patient's clinic id, after the access check (404 for others), audited."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        audit.record_for_patient(uow.session, actor, "product.scan", "patient", patient.id, patient)
        uow.commit()
        return patient.clinic_id


def _decoded(content: bytes | None) -> bytes:
    """The upload decoded under the photo budget (a bomb or a broken file: 422 on "file",
    too large: 413), as a PNG the readers below decode again at a bounded cost."""
    if not content:
        raise Invalid.field(FIELD, _NO_PHOTO)
    return photo_decode.readable_upload(content, MAX_LONG_SIDE)  # PhotoRefused: Invalid, "file"


def _read(
    uow: UnitOfWork, clinic_id: int | None, content: bytes
) -> tuple[LabelReading, str | None]:
    """The list on the photo (`_decoded`): the catalogue's own list when the photo shows a
    barcode the patient's clinic knows, else what the OCR reads (unknown codes fall back to
    the label)."""
    try:
        if clinic_id is not None:
            for code in read_barcodes(content):
                with uow:
                    found = catalogue.find_by_barcode(uow.session, clinic_id, code)
                    if found is not None:
                        listed = LabelReading(found.inci_text, 1.0, (), engine="barcode")
                        return listed, found.name
        return repair_reading(read_label(content)), None
    except PhotoRejected as error:
        raise Invalid.field(FIELD, error.message) from None
    except OcrUnavailable:
        raise Invalid.field(FIELD, _NO_ENGINE) from None
