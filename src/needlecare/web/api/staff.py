"""Inviting colleagues."""

from __future__ import annotations

from fastapi import APIRouter, status

from needlecare.services import invitations
from needlecare.web.api.schemas.accounts import InvitationOut, StaffInvitationIn
from needlecare.web.deps import ApiActor, UowDep

router = APIRouter(tags=["staff"])


@router.post(
    "/invitations/staff", status_code=status.HTTP_201_CREATED, response_model=InvitationOut
)
def invite_staff(body: StaffInvitationIn, actor: ApiActor, uow: UowDep) -> InvitationOut:
    """Admins: a single-use link for a colleague to join as admin or clinician."""
    issued = invitations.invite_staff(uow, actor, body.email, body.role)
    return InvitationOut(id=issued.id, token=issued.token, expires_at=issued.expires_at)
