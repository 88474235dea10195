"""Messages between a patient and their clinic; the per-patient alert queue, its counts and
assignment; the clinic's settings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from needlecare.services import alert_queue, alert_queue_actions, clinic_settings, messages
from needlecare.services.errors import Forbidden
from needlecare.storage.enums import AlertState, Level
from needlecare.web.api.schemas.messages import (
    AssignIn,
    ClinicSettingsIO,
    MessageIn,
    MessageOut,
    QueueCountsOut,
    QueueOut,
    QueueRowOut,
)
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, ListQuery, Paged, paged

router = APIRouter(tags=["messages"])
queue_router = APIRouter(tags=["alerts"])
clinic_router = APIRouter(tags=["clinic"])


@router.get(
    "/patients/{patient_id}/messages",
    response_model=list[MessageOut],
    responses={200: {"headers": LINK_HEADER}},
)
def list_messages(
    patient_id: int,
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[MessageOut]:
    """The patient's thread with their clinic, oldest first, `limit` at a time (`Link:
    rel="next"` while more follow), for staff of the clinic or the patient. Reading a page
    marks the other side's messages on it read."""
    page = messages.thread_page(uow, actor, patient_id, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [MessageOut.model_validate(m) for m in page.items]


@router.post(
    "/patients/{patient_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageOut,
)
def send_message(patient_id: int, body: MessageIn, actor: ApiActor, uow: UowDep) -> MessageOut:
    """Staff write to the patient (who is emailed a notice, never the text); the patient
    writes to their clinic (their own id only; linked to their newest unresolved alert)."""
    if actor.is_patient:
        if actor.patient_id != patient_id or body.alert_id is not None:
            raise Forbidden("a patient writes only in their own thread")
        sent = messages.send_to_clinic(uow, actor, body.body)
    else:
        sent = messages.send_to_patient(uow, actor, patient_id, body.body, alert_id=body.alert_id)
    return MessageOut(
        id=sent.id,
        patient_id=sent.patient_id,
        alert_id=sent.alert_id,
        from_clinic=sent.from_clinic,
        author_name=actor.display_name,
        body=sent.body,
        created_at=sent.created_at,
        read_at=sent.read_at,
    )


@queue_router.get(
    "/alerts/queue", response_model=QueueOut, responses={200: {"headers": LINK_HEADER}}
)
def queue(
    actor: ApiActor,
    uow: UowDep,
    paging: Annotated[ListQuery, paged(alert_queue.QUEUE_PAGE)],
    level: Annotated[Literal["urgent", "contact_clinic"] | None, Query()] = None,
    state: Annotated[Literal["open", "acknowledged"] | None, Query()] = None,
    mine: Annotated[bool, Query(description="Only rows assigned to me")] = False,
) -> QueueOut:
    """One row per patient (highest unresolved level; unacknowledged first, then urgent
    before contact_clinic, newest red flag first), then missed check-ins (unfiltered view
    only), `limit` rows at a time: while more follow, the `Link: <...>; rel="next"` header
    gives the next page's URL. The counts are the ones every page shows."""
    filters = alert_queue.QueueFilter(
        level=Level(level) if level else None,
        state=AlertState(state) if state else None,
        assigned_to=actor.user_id if mine else None,
    )
    page = alert_queue.queue_page(uow, actor, filters, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    counts = alert_queue.counts(uow, actor)
    return QueueOut(
        counts=QueueCountsOut.model_validate(counts),
        rows=[
            QueueRowOut.model_validate(
                {
                    **row.__dict__,
                    "level": row.level.value if row.level else None,
                    "state": row.state.value if row.state else None,
                }
            )
            for row in page.items
        ],
    )


@queue_router.get("/alerts/counts", response_model=QueueCountsOut)
def counts(actor: ApiActor, uow: UowDep) -> QueueCountsOut:
    return QueueCountsOut.model_validate(alert_queue.counts(uow, actor))


@queue_router.post("/alerts/{alert_id}/assign", response_model=list[int])
def assign(alert_id: int, body: AssignIn, actor: ApiActor, uow: UowDep) -> list[int]:
    """Assign the patient's row (all their unresolved alerts); returns the alert ids."""
    return alert_queue_actions.assign(uow, actor, alert_id, body.assignee_id)


@clinic_router.get("/clinic/settings", response_model=ClinicSettingsIO)
def get_settings(actor: ApiActor, uow: UowDep) -> ClinicSettingsIO:
    return ClinicSettingsIO.model_validate(clinic_settings.get_settings(uow, actor).__dict__)


@clinic_router.put("/clinic/settings", response_model=ClinicSettingsIO)
def put_settings(body: ClinicSettingsIO, actor: ApiActor, uow: UowDep) -> ClinicSettingsIO:
    """Admins only; every field at once."""
    saved = clinic_settings.update_settings(
        uow, actor, clinic_settings.ClinicSettings(**body.model_dump())
    )
    return ClinicSettingsIO.model_validate(saved.__dict__)
