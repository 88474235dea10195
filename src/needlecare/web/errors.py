"""One place that turns errors into responses: JSON for the API, HTML pages if registered.

Shape: {"error": message, "code": stable_code, "errors": [{"field": "a.b", "message": ...}]}.
Page routes may set `app.state.render_error_page(request, status, message, errors)` to render
HTML for browsers; the API always gets JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from needlecare.services.errors import Invalid, ServiceError, Unauthorized

log = logging.getLogger("needlecare.web")


def _field_name(loc: Sequence[Any]) -> str:
    # ("body", "symptoms", "redness") -> "symptoms.redness"; keep "query.x"/"header.x" visible.
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return getattr(request.app.state, "render_error_page", None) is not None and (
        "text/html" in request.headers.get("accept", "")
    )


def error_response(
    request: Request,
    status: int,
    message: str,
    code: str,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if _wants_html(request):
        page: Response = request.app.state.render_error_page(request, status, message, errors or [])
        return page
    body: dict[str, Any] = {"error": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers)


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    errors = None
    if isinstance(exc, Invalid):
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    retry_after = getattr(exc, "retry_after_s", None)
    if isinstance(retry_after, int):  # 429 and 503: when to try again
        headers = {"Retry-After": str(retry_after)}
    return error_response(request, exc.status, exc.message, exc.code, errors, headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field_name(e["loc"]), "message": str(e["msg"])} for e in exc.errors()]
    return error_response(request, 422, "invalid input", "invalid", errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(
        request, exc.status_code, str(exc.detail), "http_error", headers=exc.headers
    )


async def _connection_lost(request: Request, exc: Exception) -> Response:
    # The database dropped a pooled connection (a PostgreSQL restart or failover). SQLAlchemy
    # has already discarded the pool, so a retry gets a fresh connection; nothing was written
    # (the transaction died with the connection). Anything else is unexpected.
    assert isinstance(exc, DBAPIError)
    if not exc.connection_invalidated:
        return await _unexpected(request, exc)
    log.warning("database connection lost on %s %s; pool reset", request.method, request.url.path)
    return error_response(
        request,
        503,
        "the database connection was reset; please try again",
        "unavailable",
        headers={"Retry-After": "1"},
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Last resort: log the traceback, tell the client nothing about internals.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal error", "internal")


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _connection_lost)
    app.add_exception_handler(Exception, _unexpected)
