"""FastAPI dependencies: a unit of work per request and the acting principal.

API routes use `ApiActor` (bearer token).

Page routes use `PageActor` (session cookie; raises Unauthorized -> the error handler
answers 401 / the pages redirect to login) or `OptionalPageActor`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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
