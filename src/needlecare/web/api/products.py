"""The product (ingredient list) checker for a patient's day."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from needlecare.services import label_scan, products
from needlecare.services.errors import Invalid
from needlecare.web.api.photos import multipart_body, read_upload
from needlecare.web.api.schemas.domain import (
    IngredientCheckIn,
    IngredientCheckOut,
    IngredientScanOut,
)
from needlecare.web.deps import ApiActor, UowDep

router = APIRouter(tags=["products"])


@router.post("/patients/{patient_id}/ingredient-check", response_model=IngredientCheckOut)
def ingredient_check(
    patient_id: int, body: IngredientCheckIn, actor: ApiActor, uow: UowDep
) -> IngredientCheckOut:
    """Verdict for the patient's day (today's unless `day` is given) and the resume day."""
    result = products.check_product(uow, actor, patient_id, body.text, day=body.day)
    return IngredientCheckOut.model_validate(result)


@router.post(
    "/patients/{patient_id}/ingredient-scan",
    response_model=IngredientScanOut,
    responses={413: {"description": "Larger than 25 MB"}, 422: {"description": "Unreadable"}},
    openapi_extra=multipart_body(day={"type": "integer", "minimum": 0, "maximum": 3650}),
)
async def ingredient_scan(
    patient_id: int, request: Request, actor: ApiActor, uow: UowDep
) -> IngredientScanOut:
    """multipart/form-data: `file` (a photo of the ingredient list: JPEG, PNG or HEIC),
    optional `day`. The ingredient-check result plus `ocr` (engine, text, confidence), per
    ingredient `ocr_confidence` and `ocr_check`, and `verdict.check_against_label`: names read
    with low confidence, which keep the verdict at caution or worse. The photo is not stored."""
    form = await read_upload(request)
    day_text = form.fields.get("day", "").strip()
    if day_text and (not day_text.isdigit() or int(day_text) > 3650):
        raise Invalid.field("day", "day must be a whole number between 0 and 3650")
    result = await run_in_threadpool(
        label_scan.check_label_photo,
        uow,
        actor,
        patient_id,
        form.content,
        int(day_text) if day_text else None,
    )
    return IngredientScanOut.model_validate(result)
