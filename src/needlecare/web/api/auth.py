"""Tokens, the current user, self-registration, accepting invitations."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from needlecare.services import auth, invitations
from needlecare.services.ratelimit import TooManyAttempts
from needlecare.web.api.convert import me_out
from needlecare.web.api.schemas.accounts import (
    MeOut,
    PatientInvitationAccept,
    RegistrationIn,
    StaffInvitationAccept,
    TokenCreate,
    TokenIssued,
    TokenOut,
)
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.errors import error_response
from needlecare.web.paging import LINK_HEADER, Paged

router = APIRouter(tags=["auth"])


RETRY_AFTER = {
    "description": "Too many failed logins (per account or per client address)",
    "headers": {
        "Retry-After": {
            "description": "Seconds until a login may succeed",
            "schema": {"type": "integer"},
        }
    },
}


def too_many_attempts(request: Request, error: TooManyAttempts) -> Response:
    """The 429 with Retry-After: seconds until the stored failures stop blocking the login."""
    headers = {"Retry-After": str(error.retry_after_s)}
    return error_response(request, error.status, error.message, error.code, headers=headers)


@router.post(
    "/auth/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenIssued,
    responses={429: RETRY_AFTER},
)
def create_token(body: TokenCreate, uow: UowDep, request: Request) -> TokenIssued | Response:
    """Exchange email and password for a bearer token (shown once). Rate-limited: 429 with
    Retry-After after repeated failures (per account and per client address)."""
    client_ip = request.client.host if request.client else None
    try:
        issued = auth.create_token(uow, body.email, body.password, body.name, client_ip)
    except TooManyAttempts as error:
        return too_many_attempts(request, error)
    return TokenIssued.model_validate(issued)


@router.get(
    "/auth/tokens", response_model=list[TokenOut], responses={200: {"headers": LINK_HEADER}}
)
def list_tokens(
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[TokenOut]:
    """Your own tokens (without their secret), oldest first, `limit` at a time
    (`Link: rel="next"` while more follow)."""
    page = auth.token_page(uow, actor, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [TokenOut.model_validate(t) for t in page.items]


@router.delete("/auth/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: int, actor: ApiActor, uow: UowDep) -> TokenOut:
    """Revoke one of your tokens; it stops working at once."""
    return TokenOut.model_validate(auth.revoke_token(uow, actor, token_id))


@router.get("/me", response_model=MeOut)
def me(actor: ApiActor) -> MeOut:
    return me_out(actor)


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=MeOut,
    responses={429: {**RETRY_AFTER, "description": "Too many sign-ups (per address, global)"}},
)
def register(body: RegistrationIn, uow: UowDep, request: Request) -> MeOut:
    """Create a personal account (no clinic); then POST /auth/tokens to log in.
    Rate-limited per client address and globally (429 with Retry-After)."""
    client_ip = request.client.host if request.client else None
    return me_out(
        invitations.register_personal(uow, body.email, body.password, body.display_name, client_ip)
    )


@router.post(
    "/invitations/patient/accept", status_code=status.HTTP_201_CREATED, response_model=MeOut
)
def accept_patient_invitation(body: PatientInvitationAccept, uow: UowDep) -> MeOut:
    """Create the patient's login from their private invitation link."""
    return me_out(invitations.accept_patient_invitation(uow, body.token, body.email, body.password))


@router.post("/invitations/staff/accept", status_code=status.HTTP_201_CREATED, response_model=MeOut)
def accept_staff_invitation(body: StaffInvitationAccept, uow: UowDep) -> MeOut:
    """Join the clinic from a staff invitation link."""
    return me_out(
        invitations.accept_staff_invitation(uow, body.token, body.display_name, body.password)
    )
