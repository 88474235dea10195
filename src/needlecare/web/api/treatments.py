"""Treatments and their timeline."""

from __future__ import annotations

from fastapi import APIRouter, status

from needlecare.services import treatment_edits, treatments
from needlecare.services.principal import Principal
from needlecare.services.treatments import TreatmentCreate
from needlecare.storage.models import Treatment
from needlecare.web.api.schemas.care import TreatmentIn, TreatmentOut
from needlecare.web.api.schemas.domain import TimelineOut
from needlecare.web.api.schemas.treatments import (
    NextSessionOut,
    TreatmentRevisionOut,
    TreatmentUpdateIn,
)
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, Paged

router = APIRouter(tags=["treatments"])


def _out(treatment: Treatment, actor: Principal) -> TreatmentOut:
    out = TreatmentOut.model_validate(treatment)
    # The clinic's session notes stay with its staff, like clinician notes.
    return out if actor.is_staff else out.model_copy(update={"notes": None})


def _data(body: TreatmentIn) -> TreatmentCreate:
    return TreatmentCreate(
        treatment_date=body.treatment_date,
        depth_mm=body.depth_mm,
        device=body.device,
        areas=list(body.areas),
        fitzpatrick=body.fitzpatrick,
        serum=body.serum,
        operator=body.operator,
        notes=body.notes,
        next_session_date=body.next_session_date,
    )


@router.get(
    "/patients/{patient_id}/treatments",
    response_model=list[TreatmentOut],
    responses={200: {"headers": LINK_HEADER}},
)
def list_treatments(
    patient_id: int,
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[TreatmentOut]:
    """Most recent first, `limit` at a time (`Link: rel="next"` while more follow)."""
    page = treatments.treatment_page(uow, actor, patient_id, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [_out(t, actor) for t in page.items]


@router.post(
    "/patients/{patient_id}/treatments",
    status_code=status.HTTP_201_CREATED,
    response_model=TreatmentOut,
)
def create_treatment(
    patient_id: int, body: TreatmentIn, actor: ApiActor, uow: UowDep
) -> TreatmentOut:
    """Patients record their own treatment; staff may add the operator and session notes."""
    return _out(treatments.create_treatment(uow, actor, patient_id, _data(body)), actor)


@router.put("/patients/{patient_id}/treatments/{treatment_id}", response_model=TreatmentOut)
def update_treatment(
    patient_id: int, treatment_id: int, body: TreatmentUpdateIn, actor: ApiActor, uow: UowDep
) -> TreatmentOut:
    """Staff: correct or complete the record and plan the next session. Audited; every
    change is kept as a revision."""
    treatment, _ = treatment_edits.update_treatment(
        uow, actor, patient_id, treatment_id, _data(body)
    )
    return _out(treatment, actor)


@router.get(
    "/patients/{patient_id}/treatments/{treatment_id}/revisions",
    response_model=list[TreatmentRevisionOut],
    responses={200: {"headers": LINK_HEADER}},
)
def revisions(
    patient_id: int,
    treatment_id: int,
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[TreatmentRevisionOut]:
    """Staff: every version of the record, oldest first, `limit` at a time
    (`Link: rel="next"` while more follow)."""
    page = treatment_edits.revision_page(
        uow, actor, patient_id, treatment_id, after=paging.after, limit=paging.limit
    )
    paging.link_next(page.after)
    return [TreatmentRevisionOut.model_validate(r) for r in page.items]


@router.get(
    "/patients/{patient_id}/treatments/{treatment_id}/next-session", response_model=NextSessionOut
)
def next_session(
    patient_id: int, treatment_id: int, actor: ApiActor, uow: UowDep
) -> NextSessionOut:
    """The planned next session and when the reference says it is reasonable."""
    view = treatment_edits.next_session(uow, actor, patient_id, treatment_id)
    return NextSessionOut(
        planned=view.planned,
        reasonable_from=view.reasonable_from,
        condition=view.condition,
        cite=list(view.cite),
        too_early=view.too_early,
    )


@router.get("/patients/{patient_id}/treatments/{treatment_id}/timeline", response_model=TimelineOut)
def timeline(patient_id: int, treatment_id: int, actor: ApiActor, uow: UowDep) -> TimelineOut:
    """Day-by-day recovery timeline (phase, expected, care, avoid, sources)."""
    return TimelineOut.model_validate(treatments.get_timeline(uow, actor, patient_id, treatment_id))
