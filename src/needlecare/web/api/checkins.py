"""Daily check-ins (idempotent with the Idempotency-Key header)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status

from needlecare.services import auth, checkins
from needlecare.services.checkins import CheckinCreate
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api.convert import checkin_out, model_response, outcome_out
from needlecare.web.api.schemas.care import CheckinIn, CheckinOut
from needlecare.web.deps import BEARER_SECURITY, ApiActor, HotCallDep, UowDep
from needlecare.web.paging import LINK_HEADER, Cursor, Limit, link_next, position

router = APIRouter(tags=["check-ins"])


@router.post(
    "/patients/{patient_id}/checkins",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckinOut,
    responses={200: {"model": CheckinOut, "description": "Replay of an earlier submission"}},
    openapi_extra=BEARER_SECURITY,
)
async def submit_checkin(
    patient_id: int,
    body: CheckinIn,
    call: HotCallDep,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> Response:
    """Triage and store today's check-in. The same Idempotency-Key twice stores it once and
    returns the first result (200 instead of 201)."""
    return checkin_response(call.uow, call.token, patient_id, body, idempotency_key)


def checkin_response(
    uow: UnitOfWork, token: str, patient_id: int, body: CheckinIn, idempotency_key: str | None
) -> Response:
    """The route's work once its input is valid; `web.hot` calls it too, before routing."""
    data = CheckinCreate(
        symptoms=body.symptoms.model_dump(exclude_unset=True),
        products=list(body.products),
        treatment_id=body.treatment_id,
    )
    # The hot path runs in the event loop's own thread (sync code called from async): its
    # few short statements cost less than the hop to the thread pool and back, and a
    # process serves one at a time, like a sync worker (docs/operations.md, "Workers").
    # The service checks the token in its own first statement; the response is serialised
    # once (a returned model would be validated again, then json-encoded).
    outcome = checkins.submit_checkin(
        uow, auth.BearerToken(token), patient_id, data, idempotency_key=idempotency_key
    )
    return model_response(
        outcome_out(outcome),
        status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
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
    request: Request,
    response: Response,
    limit: Limit = 200,
    cursor: Cursor = None,
) -> list[CheckinOut]:
    """The patient's check-ins, oldest first, `limit` at a time; while more follow, the
    `Link: <...>; rel="next"` header gives the next page's URL."""
    page = checkins.checkin_page(
        uow, actor, patient_id, after=position(request, cursor), limit=limit
    )
    link_next(request, response, page.after)
    return [checkin_out(c) for c in page.items]


@router.get("/patients/{patient_id}/checkins/{checkin_id}", response_model=CheckinOut)
def get_checkin(patient_id: int, checkin_id: int, actor: ApiActor, uow: UowDep) -> CheckinOut:
    return checkin_out(checkins.get_checkin(uow, actor, patient_id, checkin_id))
