"""The clinic's aftercare protocol (versioned) and a patient's aftercare sheet (issue 8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, status
from pydantic import BaseModel, ConfigDict

from needlecare.services import clock, protocols
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, Paged

router = APIRouter(tags=["protocols"])


class ProtocolOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    document: dict[str, Any]
    created_by: int | None
    created_at: datetime


class CurrentProtocolOut(BaseModel):
    """`protocol` is null while the clinic has none: the default windows apply."""

    protocol: ProtocolOut | None


@router.get("/clinic/protocol", response_model=CurrentProtocolOut)
def current_protocol(actor: ApiActor, uow: UowDep) -> CurrentProtocolOut:
    row = protocols.current(uow, actor)
    return CurrentProtocolOut(protocol=ProtocolOut.model_validate(row) if row else None)


@router.get(
    "/clinic/protocol/versions",
    response_model=list[ProtocolOut],
    responses={200: {"headers": LINK_HEADER}},
)
def protocol_versions(
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[ProtocolOut]:
    """Every saved version, newest first (versions are never changed after saving), `limit`
    at a time (`Link: rel="next"` while more follow)."""
    page = protocols.version_page(uow, actor, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [ProtocolOut.model_validate(r) for r in page.items]


@router.put("/clinic/protocol", status_code=status.HTTP_201_CREATED, response_model=ProtocolOut)
def save_protocol(
    actor: ApiActor,
    uow: UowDep,
    document: dict[str, Any] = Body(  # noqa: B008 - FastAPI's way to take a free-form body
        ...,
        examples=[
            {
                "schema_version": 1,
                "name": "Alder Clinic aftercare",
                "version": 1,
                "windows": {"vitamin_c": {"resume_day": 10, "reason": "15% L-ascorbic acid"}},
                "instructions": [{"text": "Use the balm in your kit.", "source": "clinic policy"}],
            }
        ],
    ),
) -> ProtocolOut:
    """Save a new version (clinic admins). 422 names each broken rule: a protocol may only
    tighten windows and never touch triage or red-flag rules. `version` is assigned here."""
    return ProtocolOut.model_validate(protocols.save(uow, actor, document))


@router.get("/patients/{patient_id}/aftercare-sheet")
def aftercare_sheet(patient_id: int, actor: ApiActor, uow: UowDep) -> dict[str, Any]:
    """The personal aftercare sheet of the latest treatment, dates filled in (the `--json`
    form of `needlecare guide sheet`), under the clinic's protocol in force."""
    today = clock.today_for(uow, actor, patient_id)  # the patient's local date
    sheet = protocols.aftercare_sheet(uow, actor, patient_id, today=today)
    return sheet.to_dict()
