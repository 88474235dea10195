"""Daily check-ins (idempotent with the Idempotency-Key header)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status
from starlette.concurrency import run_in_threadpool

from needlecare.services import checkins
from needlecare.services.checkins import CheckinCreate
from needlecare.web.api.convert import checkin_out, outcome_out
from needlecare.web.api.schemas.care import CheckinIn, CheckinOut
from needlecare.web.deps import ApiActor, UowDep

router = APIRouter(tags=["check-ins"])


@router.post(
    "/patients/{patient_id}/checkins",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckinOut,
    responses={200: {"model": CheckinOut, "description": "Replay of an earlier submission"}},
)
async def submit_checkin(
    patient_id: int,
    body: CheckinIn,
    actor: ApiActor,
    uow: UowDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> CheckinOut:
    """Triage and store today's check-in. The same Idempotency-Key twice stores it once and
    returns the first result (200 instead of 201)."""
    data = CheckinCreate(
        symptoms=body.symptoms.model_dump(exclude_unset=True),
        products=list(body.products),
        treatment_id=body.treatment_id,
    )
    # async + one explicit thread hop for the blocking work: a sync route would take two (the
    # endpoint, then response validation).
    outcome = await run_in_threadpool(
        lambda: checkins.submit_checkin(
            uow, actor, patient_id, data, idempotency_key=idempotency_key
        )
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return outcome_out(outcome)


@router.get("/patients/{patient_id}/checkins", response_model=list[CheckinOut])
def list_checkins(patient_id: int, actor: ApiActor, uow: UowDep) -> list[CheckinOut]:
    """The patient's check-ins, oldest first."""
    return [checkin_out(c) for c in checkins.list_checkins(uow, actor, patient_id)]


@router.get("/patients/{patient_id}/checkins/{checkin_id}", response_model=CheckinOut)
def get_checkin(patient_id: int, checkin_id: int, actor: ApiActor, uow: UowDep) -> CheckinOut:
    return checkin_out(checkins.get_checkin(uow, actor, patient_id, checkin_id))
