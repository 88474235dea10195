"""Clinician notes and product recommendations on a patient."""

from __future__ import annotations

from fastapi import APIRouter, status

from needlecare.services import notes, recommendation_check
from needlecare.services.notes import RecommendationCreate
from needlecare.web.api.schemas.care import NoteIn, NoteOut, RecommendationIn, RecommendationOut
from needlecare.web.api.schemas.treatments import (
    DayVerdictOut,
    ReasonOut,
    RecommendationCheckIn,
    RecommendationCheckOut,
)
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, Paged

router = APIRouter(tags=["notes"])


@router.get(
    "/patients/{patient_id}/notes",
    response_model=list[NoteOut],
    responses={200: {"headers": LINK_HEADER}},
)
def list_notes(
    patient_id: int,
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[NoteOut]:
    """Staff only. Oldest first, `limit` at a time (`Link: rel="next"` while more follow)."""
    page = notes.note_page(uow, actor, patient_id, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [NoteOut.model_validate(n) for n in page.items]


@router.post(
    "/patients/{patient_id}/notes", status_code=status.HTTP_201_CREATED, response_model=NoteOut
)
def add_note(patient_id: int, body: NoteIn, actor: ApiActor, uow: UowDep) -> NoteOut:
    return NoteOut.model_validate(notes.add_note(uow, actor, patient_id, body.body))


@router.get(
    "/patients/{patient_id}/recommendations",
    response_model=list[RecommendationOut],
    responses={200: {"headers": LINK_HEADER}},
)
def list_recommendations(
    patient_id: int,
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[RecommendationOut]:
    """The clinic's staff and the patient can read them; oldest first, `limit` at a time
    (`Link: rel="next"` while more follow)."""
    page = notes.recommendation_page(uow, actor, patient_id, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [RecommendationOut.model_validate(r) for r in page.items]


@router.post(
    "/patients/{patient_id}/recommendations",
    status_code=status.HTTP_201_CREATED,
    response_model=RecommendationOut,
)
def add_recommendation(
    patient_id: int, body: RecommendationIn, actor: ApiActor, uow: UowDep
) -> RecommendationOut:
    """Staff. The ingredient list is checked for each recommended day; an "avoid" verdict
    on any of them needs `acknowledge_avoid: true` (422 otherwise, field `acknowledge_avoid`)."""
    data = RecommendationCreate(
        body.product_name,
        body.inci_text,
        body.note,
        from_day=body.from_day,
        acknowledge_avoid=body.acknowledge_avoid,
    )
    return RecommendationOut.model_validate(notes.add_recommendation(uow, actor, patient_id, data))


@router.post("/patients/{patient_id}/recommendations/check", response_model=RecommendationCheckOut)
def check_recommendation(
    patient_id: int, body: RecommendationCheckIn, actor: ApiActor, uow: UowDep
) -> RecommendationCheckOut:
    """Staff: the ingredient checker's verdict for each of the next 14 recovery days from
    `from_day` (default: the patient's day today), before recommending a product."""
    check = recommendation_check.check_recommendation(
        uow, actor, patient_id, body.inci_text, from_day=body.from_day
    )
    return RecommendationCheckOut(
        from_day=check.from_day,
        days=[DayVerdictOut(day=d.day, date=d.date, status=d.status) for d in check.days],
        avoid_days=check.avoid_days,
        reasons=[
            ReasonOut(text=str(r.get("text", "")), source=r.get("source"), status=str(r["status"]))
            for r in check.reasons
        ],
    )
