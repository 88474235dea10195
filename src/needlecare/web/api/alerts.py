"""The clinic's alert queue."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from needlecare.services import alerts, messages
from needlecare.storage.enums import AlertState
from needlecare.web.api.convert import alert_out, alert_queue_json
from needlecare.web.api.schemas.care import AlertOut, ResolveIn
from needlecare.web.deps import ApiActor, ApiBearer, UowDep
from needlecare.web.paging import LINK_HEADER, Cursor, link_next, position

router = APIRouter(tags=["alerts"])
QUEUE_LIMIT = 50  # alerts per page unless `limit` says otherwise


@router.get("/alerts", response_model=list[AlertOut], responses={200: {"headers": LINK_HEADER}})
def alert_queue(
    token: ApiBearer,
    uow: UowDep,
    request: Request,
    state: Annotated[list[Literal["open", "acknowledged", "resolved"]] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = QUEUE_LIMIT,
    cursor: Cursor = None,
) -> Response:
    """Open urgent and contact_clinic alerts first, by urgency then age; then acknowledged
    ones. `state` filters (repeatable). `limit` at a time: while more follow, the `Link:
    <...>; rel="next"` header gives the next page's URL."""
    states = [AlertState(s) for s in state] if state else list(alerts.ACTIVE_STATES)
    # The token is read in the queue's own unit of work: one unit per request.
    page = alerts.alert_page(
        uow, token, states=states, after=position(request, cursor), limit=limit
    )
    response = Response(alert_queue_json(page.items), media_type="application/json")
    link_next(request, response, page.after)
    return response


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertOut)
def acknowledge(alert_id: int, actor: ApiActor, uow: UowDep) -> AlertOut:
    return alert_out(alerts.acknowledge(uow, actor, alert_id))


@router.post("/alerts/{alert_id}/resolve", response_model=AlertOut)
def resolve(alert_id: int, body: ResolveIn, actor: ApiActor, uow: UowDep) -> AlertOut:
    """Close the alert with a note saying what was done; `send_to_patient` also sends the
    note to the patient as a message."""
    if body.send_to_patient:
        messages.checked_body(body.note, "note")  # checked first: never resolve then fail
    alert = alerts.resolve(uow, actor, alert_id, body.note)
    if body.send_to_patient:
        messages.send_to_patient(uow, actor, alert.patient_id, body.note, alert_id=alert.id)
    return alert_out(alert)
