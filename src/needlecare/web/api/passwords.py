"""Password reset by email: ask for a link (the same answer whether or not the account
exists), then set a new password with the link's token."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from pydantic import Field

from needlecare.services import account_links
from needlecare.web.api.convert import me_out
from needlecare.web.api.schemas.accounts import Email, MeOut, NewPassword, Out, Strict
from needlecare.web.deps import UowDep

router = APIRouter(tags=["auth"])


class ResetRequestIn(Strict):
    email: Email


class ResetRequested(Out):
    detail: str


class ResetConfirmIn(Strict):
    token: str = Field(min_length=1, max_length=200, description="From the emailed link")
    password: NewPassword


REQUESTED = (
    "If an account uses that address, a link to set a new password was emailed to it; "
    "it works once, within an hour."
)


@router.post(
    "/auth/password-reset", status_code=status.HTTP_202_ACCEPTED, response_model=ResetRequested
)
def request_reset(body: ResetRequestIn, uow: UowDep, request: Request) -> ResetRequested:
    """Email a single-use reset link (valid one hour) if the address has an account; the
    answer is the same either way."""
    account_links.request_reset(uow, body.email, request.app.state.settings.secret_key)
    return ResetRequested(detail=REQUESTED)


@router.post("/auth/password-reset/confirm", response_model=MeOut)
def confirm_reset(body: ResetConfirmIn, uow: UowDep) -> MeOut:
    """Set the new password (the link is then used up); every session and API token of
    the account ends. Then POST /auth/tokens to get a new token."""
    return me_out(account_links.use(uow, body.token, body.password))
