"""Reading a patient's product label from a photo, for them to correct before the verdict.

The photo goes through the photo upload's guards (`photos.decode`, inside `needlecare.ocr`)
and is never stored: only the recognised text comes back. Every way the reading can fail is an
`Invalid` on the field "file" with a message for people, so the page shows it next to the file
input and nothing is half-done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from needlecare.ingredients import NotAnIngredientList
from needlecare.ocr import OcrUnavailable
from needlecare.ocr.scan import scan_label
from needlecare.photos.errors import PhotoRejected
from needlecare.services import audit
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


def read_label_photo(
    uow: UnitOfWork, actor: Principal, patient_id: int, content: bytes | None
) -> LabelScan:
    """Read the ingredient list on a photo. Runs the OCR outside the transaction."""
    if not content:
        raise Invalid.field(FIELD, "choose or take a photo of the ingredient list")
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        audit.record_for_patient(uow.session, actor, "product.scan", "patient", patient.id, patient)
        uow.commit()
    try:
        scan = scan_label(content)
    except PhotoRejected as error:
        raise Invalid.field(FIELD, error.message) from None
    except OcrUnavailable:
        raise Invalid.field(
            FIELD, "Reading photos is not available on this server; please type the list."
        ) from None
    except NotAnIngredientList:
        raise Invalid.field(
            FIELD,
            "No ingredient list could be read on this photo. Try closer, in good light, "
            "with the list filling the frame, or type the list.",
        ) from None
    ocr = scan["ocr"]
    return LabelScan(
        text=ocr["text"],
        confidence=ocr["confidence"],
        engine=ocr["engine"],
        to_check=list(scan["verdict"]["check_against_label"]),
        scan=scan,
    )
