"""Treatments and their timeline."""

from __future__ import annotations

from fastapi import APIRouter, status

from needlecare.services import treatments
from needlecare.services.treatments import TreatmentCreate
from needlecare.web.api.schemas.care import TreatmentIn, TreatmentOut
from needlecare.web.api.schemas.domain import TimelineOut
from needlecare.web.deps import ApiActor, UowDep

router = APIRouter(tags=["treatments"])


@router.get("/patients/{patient_id}/treatments", response_model=list[TreatmentOut])
def list_treatments(patient_id: int, actor: ApiActor, uow: UowDep) -> list[TreatmentOut]:
    return [
        TreatmentOut.model_validate(t) for t in treatments.list_treatments(uow, actor, patient_id)
    ]


@router.post(
    "/patients/{patient_id}/treatments",
    status_code=status.HTTP_201_CREATED,
    response_model=TreatmentOut,
)
def create_treatment(
    patient_id: int, body: TreatmentIn, actor: ApiActor, uow: UowDep
) -> TreatmentOut:
    data = TreatmentCreate(
        treatment_date=body.treatment_date,
        depth_mm=body.depth_mm,
        device=body.device,
        areas=list(body.areas),
        fitzpatrick=body.fitzpatrick,
        serum=body.serum,
    )
    return TreatmentOut.model_validate(treatments.create_treatment(uow, actor, patient_id, data))


@router.get("/patients/{patient_id}/treatments/{treatment_id}/timeline", response_model=TimelineOut)
def timeline(patient_id: int, treatment_id: int, actor: ApiActor, uow: UowDep) -> TimelineOut:
    """Day-by-day recovery timeline (phase, expected, care, avoid, sources)."""
    return TimelineOut.model_validate(treatments.get_timeline(uow, actor, patient_id, treatment_id))
