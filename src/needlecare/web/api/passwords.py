"""Password reset by email: ask for a link (the same answer whether or not the account
exists), then set a new password with the link's token; and a logged-in change of one's
own password."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from needlecare.services import account_links, password_change
from needlecare.services.ratelimit import TooManyAttempts
from needlecare.web.api.auth import RETRY_AFTER, too_many_attempts
from needlecare.web.api.convert import me_out
from needlecare.web.api.schemas.accounts import Email, MeOut, NewPassword, Out, Password, Strict
from needlecare.web.deps import ApiActor, UowDep

router = APIRouter(tags=["auth"])


class ResetRequestIn(Strict):
    email: Email


class ResetRequested(Out):
    detail: str


class PasswordChangeIn(Strict):
    current_password: Password
    new_password: NewPassword


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


@router.post(
    "/me/password",
    response_model=MeOut,
    responses={429: {**RETRY_AFTER, "description": "Too many wrong current passwords"}},
)
def change_password(
    body: PasswordChangeIn, actor: ApiActor, uow: UowDep, request: Request
) -> MeOut | Response:
    """Change your own password: the current one, then a new one (the reset's rules). Every
    session cookie of the login ends and an email tells you it was changed; API tokens
    stay. A wrong current password is a 422 and counts as a failed login (429 with
    Retry-After when the account is locked from this address)."""
    client_ip = request.client.host if request.client else None
    try:
        principal = password_change.change_password(
            uow, actor, body.current_password, body.new_password, client_ip=client_ip
        )
    except TooManyAttempts as error:
        return too_many_attempts(request, error)
    return me_out(principal)
