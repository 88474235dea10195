"""FastAPI dependencies: a unit of work per request and the acting principal.

API routes use `ApiActor` (bearer token). The hottest routes (check-in, alert queue) take
`HotCallDep` instead (the raw token and a unit of work) and check the token with their
service call, in the event loop's own thread (see `docs/operations.md`); a bad token then
answers 401 after body validation rather than before (a bad body gets 422 first), which
reveals nothing the OpenAPI schema doesn't. A missing one is 401 before it.

Page routes use `PageActor` (session cookie; raises Unauthorized -> the error handler
answers 401 / the pages redirect to login) or `OptionalPageActor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from needlecare.services import auth
from needlecare.services.errors import Unauthorized
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.security import session_generation, session_user_id

bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/tokens")


async def get_uow(request: Request) -> UnitOfWork:
    # async: building it does no I/O, so it need not hop to the thread pool.
    return UnitOfWork(request.app.state.session_factory)


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def _raw_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send Authorization: Bearer <token>")
    return credentials.credentials


@dataclass(frozen=True)
class HotCall:
    """The bearer token (not yet checked) and a unit of work, from one dependency without
    sub-dependencies: the two hottest routes solve one instead of three (FastAPI's dependency
    solving cost them a tenth of their CPU). Such a route documents the bearer scheme
    itself, with `openapi_extra=BEARER_SECURITY`."""

    token: str
    uow: UnitOfWork


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (any case), else None: what
    HTTPBearer(auto_error=False) + `_raw_token` accept, read straight from the header."""
    scheme, credentials = get_authorization_scheme_param(authorization)
    if not credentials or scheme.lower() != "bearer":
        return None
    return credentials


async def hot_call(request: Request) -> HotCall:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise Unauthorized("send Authorization: Bearer <token>")
    return HotCall(token, UnitOfWork(request.app.state.session_factory))


HotCallDep = Annotated[HotCall, Depends(hot_call)]
BEARER_SECURITY: dict[str, Any] = {"security": [{bearer_scheme.scheme_name: []}]}


def api_principal(uow: UowDep, credentials: BearerCredentials) -> Principal:
    return auth.principal_for_token(uow, _raw_token(credentials))


def page_principal(request: Request, uow: UowDep) -> Principal:
    user_id = session_user_id(request)
    if user_id is None:
        raise Unauthorized("please log in")
    return auth.principal_for_user_id(uow, user_id, session_generation(request))


def optional_page_principal(request: Request, uow: UowDep) -> Principal | None:
    try:
        return page_principal(request, uow)
    except Unauthorized:
        return None


ApiActor = Annotated[Principal, Depends(api_principal)]
PageActor = Annotated[Principal, Depends(page_principal)]
OptionalPageActor = Annotated[Principal | None, Depends(optional_page_principal)]
