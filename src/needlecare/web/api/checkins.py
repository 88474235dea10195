"""Daily check-ins (idempotent with the Idempotency-Key header)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status

from needlecare.services import checkins
from needlecare.services.checkins import CheckinCreate
from needlecare.services.errors import FieldError
from needlecare.web.api.convert import checkin_out, model_response, outcome_out
from needlecare.web.api.schemas.care import CheckinIn, CheckinOut
from needlecare.web.deps import ApiActor, ApiBearer, UowDep
from needlecare.web.paging import LINK_HEADER, ListQuery, paged

router = APIRouter(tags=["check-ins"])


@router.post(
    "/patients/{patient_id}/checkins",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckinOut,
    responses={200: {"model": CheckinOut, "description": "Replay of an earlier submission"}},
)
def submit_checkin(
    patient_id: int,
    body: CheckinIn,
    token: ApiBearer,
    uow: UowDep,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> Response:
    """Triage and store today's check-in. The same Idempotency-Key twice stores it once and
    returns the first result (200 instead of 201)."""
    data = (
        CheckinCreate(
            symptoms=body.symptoms.model_dump(exclude_unset=True),
            products=list(body.products),
            treatment_id=body.treatment_id,
        )
        if body.kept_as_sent is None
        else kept_checkin(body.kept_as_sent)
    )
    # The token is read in the check-in's own unit of work: one unit per check-in.
    outcome = checkins.submit_checkin(uow, token, patient_id, data, idempotency_key=idempotency_key)
    return model_response(
        outcome_out(outcome),
        status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
    )


def kept_checkin(sent: dict[str, Any]) -> CheckinCreate:
    """An invalid body with a red flag, as sent: the domain reads each invalid answer on the
    careful side and reports it. Fields outside the answers fall back to their defaults."""
    missing: list[FieldError] = []
    treatment_id = sent.get("treatment_id")
    if treatment_id is not None and not (
        type(treatment_id) is int and 1 <= treatment_id <= 2**31 - 1
    ):
        missing.append(FieldError("treatment_id", "must be a treatment id; the latest was used"))
        treatment_id = None
    products = sent.get("products", [])
    if not isinstance(products, list):
        missing.append(FieldError("products", "must be a list of ingredient lists (text)"))
        products = []
    for key in sorted(map(str, sent.keys() - {"symptoms", "products", "treatment_id"})):
        missing.append(FieldError(key, "is not a known field; it was ignored"))
    return CheckinCreate(
        symptoms=dict(sent["symptoms"]),
        products=products,
        treatment_id=treatment_id,
        missing=tuple(missing),
    )


@router.get(
    "/patients/{patient_id}/checkins",
    response_model=list[CheckinOut],
    responses={200: {"headers": LINK_HEADER}},
)
def list_checkins(
    patient_id: int,
    actor: ApiActor,
    uow: UowDep,
    paging: Annotated[ListQuery, paged(200)],
) -> list[CheckinOut]:
    """The patient's check-ins, oldest first, `limit` at a time; while more follow, the
    `Link: <...>; rel="next"` header gives the next page's URL."""
    page = checkins.checkin_page(uow, actor, patient_id, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [checkin_out(c) for c in page.items]


@router.get("/patients/{patient_id}/checkins/{checkin_id}", response_model=CheckinOut)
def get_checkin(patient_id: int, checkin_id: int, actor: ApiActor, uow: UowDep) -> CheckinOut:
    return checkin_out(checkins.get_checkin(uow, actor, patient_id, checkin_id))
