"""The two hottest routes, answered before FastAPI's routing: a check-in post and a read of
the alert queue (patients post daily; clinic screens poll the queue).

FastAPI's per-request machinery (route matching through nested routers, dependency solving,
telemetry, body handling) was about 40 % of a check-in's CPU, on the two routes that carry
nearly all of the load (bench/README.md, "Load"). This middleware takes those two
requests when they are plain and valid: it reads the same headers, validates the body with the
route's own model and calls the route's own function (`checkin_response`,
`alert_queue_response`). Anything else, such as a missing token, a body that fails validation
or a query string on the queue, goes on to FastAPI unchanged, with the body replayed, so error
responses (401, 422) come from one place. Service errors raised on the fast path are turned
into responses by the app's own exception handlers, as FastAPI would. The routes stay declared
in FastAPI: they document the API (OpenAPI) and answer everything the fast path passes on.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import orjson
import pydantic
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from needlecare.services import alerts
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api.alerts import QUEUE_LIMIT, alert_queue_response
from needlecare.web.api.checkins import checkin_response
from needlecare.web.api.schemas.care import CheckinIn
from needlecare.web.deps import bearer_token
from needlecare.web.hardening import MAX_DB_ID

API = "/api/v1"
_CHECKINS = re.compile(rf"{API}/patients/([0-9]{{1,10}})/checkins")
_ALERTS = f"{API}/alerts"
_IDEMPOTENCY_KEY_MAX = 100  # as the route's Header(max_length=100)

Work = Callable[[UnitOfWork], Response]
Handler = Callable[[Request, Exception], Awaitable[Response]]
Model = TypeVar("Model", bound=pydantic.BaseModel)


class HotRoutes:
    """Pure ASGI middleware; install it innermost, so that every other middleware (security
    headers, sessions, proxy headers) sees these requests as it sees any other."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = _route_path(scope)
            method = scope["method"]
            if method == "POST" and (match := _CHECKINS.fullmatch(path)):
                await self._checkin(scope, receive, send, int(match[1]))
                return
            if method == "GET" and path == _ALERTS and not scope.get("query_string"):
                await self._alert_queue(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _checkin(self, scope: Scope, receive: Receive, send: Send, patient_id: int) -> None:
        headers = _first_headers(scope)
        body = await _read_body(receive)
        if body is None:
            return  # the client went away
        token = bearer_token(headers.get("authorization"))
        key = headers.get("idempotency-key")
        checkin = _json_body(headers, body, CheckinIn)
        if (
            token is None
            or checkin is None
            or patient_id > MAX_DB_ID
            or (key is not None and len(key) > _IDEMPOTENCY_KEY_MAX)
        ):
            await self.app(scope, _replay(body, receive), send)
            return
        valid_token, valid_checkin = token, checkin  # narrowed, for the closure
        await _respond(
            scope,
            receive,
            send,
            lambda uow: checkin_response(uow, valid_token, patient_id, valid_checkin, key),
        )

    async def _alert_queue(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = bearer_token(_first_headers(scope).get("authorization"))
        if token is None:
            await self.app(scope, receive, send)
            return
        states = list(alerts.ACTIVE_STATES)
        await _respond(
            scope, receive, send, lambda uow: alert_queue_response(uow, token, states, QUEUE_LIMIT)
        )


async def _respond(scope: Scope, receive: Receive, send: Send, work: Work) -> None:
    app = scope["app"]
    try:
        response = work(UnitOfWork(app.state.session_factory))
    except Exception as exc:
        handler = _handler_for(app.exception_handlers, exc)
        if handler is None:
            raise  # to the server-error middleware, like any route's unexpected error
        response = await handler(Request(scope, receive), exc)
    await response(scope, receive, send)


def _handler_for(handlers: Mapping[Any, Handler], exc: Exception) -> Handler | None:
    """The handler FastAPI's exception middleware would pick (by the error's class, most
    specific first); None for the catch-all, which the outer server-error middleware runs."""
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _first_headers(scope: Scope) -> dict[str, str]:
    """Header name -> its first value, as `request.headers.get` reads them (latin-1)."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        found.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return found


def _json_body(headers: dict[str, str], body: bytes, model: type[Model]) -> Model | None:
    """The body as `model` when it is JSON, sent as JSON, and valid; else None (FastAPI then
    answers with its 422 and the field errors)."""
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        return None
    try:
        return model.model_validate(orjson.loads(body))
    except (orjson.JSONDecodeError, pydantic.ValidationError):
        return None


async def _read_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands over the body already read, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
