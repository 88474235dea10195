"""The clinic's staff (admins): list with roles and last seen, invite, change a role,
deactivate or reactivate."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, status

from needlecare.services import invitations, staff
from needlecare.services.errors import Invalid
from needlecare.web.api.schemas.accounts import InvitationOut, Out, StaffInvitationIn, Strict
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, Paged

router = APIRouter(tags=["staff"])


class StaffOut(Out):
    id: int
    display_name: str
    email: str
    role: Literal["admin", "clinician"]
    is_active: bool
    created_at: datetime
    last_seen_at: datetime | None


class StaffUpdate(Strict):
    role: Literal["admin", "clinician"] | None = None
    is_active: bool | None = None


@router.post(
    "/invitations/staff", status_code=status.HTTP_201_CREATED, response_model=InvitationOut
)
def invite_staff(body: StaffInvitationIn, actor: ApiActor, uow: UowDep) -> InvitationOut:
    """Admins: a single-use link for a colleague to join as admin or clinician."""
    issued = invitations.invite_staff(uow, actor, body.email, body.role)
    return InvitationOut(id=issued.id, token=issued.token, expires_at=issued.expires_at)


@router.get(
    "/clinic/staff", response_model=list[StaffOut], responses={200: {"headers": LINK_HEADER}}
)
def list_staff(actor: ApiActor, uow: UowDep, paging: Paged) -> list[StaffOut]:
    """Staff: the clinic's admins and clinicians, active first, then by name, `limit` at a
    time (`Link: rel="next"` while more follow); `last_seen_at` is updated at most every
    few minutes."""
    page = staff.staff_page(uow, actor, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [StaffOut.model_validate(m) for m in page.items]


@router.patch("/clinic/staff/{user_id}", response_model=StaffOut)
def update_staff(user_id: int, body: StaffUpdate, actor: ApiActor, uow: UowDep) -> StaffOut:
    """Admins: change a role and/or deactivate (every session and API token of the login
    ends at once; the alerts assigned to them are unassigned, back in the queue for anyone)
    or reactivate. 409 if the clinic would be left without an active admin."""
    if body.role is None and body.is_active is None:
        raise Invalid.field("body", "send role and/or is_active")
    if body.role is None and body.is_active is None:
        raise Invalid.field("body", "send role, is_active or both")
    member = staff.update(uow, actor, user_id, role=body.role, active=body.is_active)
    return StaffOut.model_validate(member)
