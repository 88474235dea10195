"""The product (ingredient list) checker for a patient's day."""

from __future__ import annotations

from fastapi import APIRouter

from needlecare.services import products
from needlecare.web.api.schemas.domain import IngredientCheckIn, IngredientCheckOut
from needlecare.web.deps import ApiActor, UowDep

router = APIRouter(tags=["products"])


@router.post("/patients/{patient_id}/ingredient-check", response_model=IngredientCheckOut)
def ingredient_check(
    patient_id: int, body: IngredientCheckIn, actor: ApiActor, uow: UowDep
) -> IngredientCheckOut:
    """Verdict for the patient's day (today's unless `day` is given) and the resume day."""
    result = products.check_product(uow, actor, patient_id, body.text, day=body.day)
    return IngredientCheckOut.model_validate(result)
