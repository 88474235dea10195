"""FastAPI dependencies: a unit of work per request and the acting principal.

API routes use `ApiActor` (bearer token, read in a unit of work of its own), or `ApiBearer`
when their service reads the token inside its own unit (the check-in: one unit per request).

Page routes use `web.pages.deps.Viewer` and its kin (session cookie; the viewer and the
layout's data in one read-only unit of work).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from needlecare.services import auth
from needlecare.services.errors import Unauthorized
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork

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


def api_principal(uow: UowDep, credentials: BearerCredentials) -> Principal:
    return auth.principal_for_token(uow, _raw_token(credentials))


async def bearer_token(credentials: BearerCredentials) -> auth.BearerToken:
    """The bearer token as sent, for a route whose service reads it inside its own unit of
    work (no I/O here: 401 only when there is no token at all)."""
    return auth.BearerToken(_raw_token(credentials))


ApiActor = Annotated[Principal, Depends(api_principal)]
ApiBearer = Annotated[auth.BearerToken, Depends(bearer_token)]
