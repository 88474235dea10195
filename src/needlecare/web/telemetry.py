"""Request ids, JSON logs and the access line: what an operator reads when something is wrong.

Every request gets an id: a sane incoming `X-Request-ID` (a proxy's or a client's) is kept,
anything else is replaced by a fresh one. The id lives in a context variable for the length
of the request (FastAPI's thread pool copies the context, so sync routes and services see it
too), goes back as the `X-Request-ID` response header, and is in every log line written
meanwhile. Log lines are one JSON object each (`JsonFormatter`). Uvicorn's own access log is
off; `RequestTelemetry` writes one JSON access line per request instead, with the route
template rather than the raw path (no patient ids in the access log, and one metrics series
per route), and records the request metrics.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from needlecare.web import metrics

REQUEST_ID_HEADER = "x-request-id"
ACCESS_LOGGER = "needlecare.access"
UNMATCHED_ROUTE = "<unmatched>"  # 404s: one label, whatever path was asked for
_SANE_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
# LogRecord attributes of every record: anything else on a record came from `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}

request_id: ContextVar[str | None] = ContextVar("needlecare_request_id", default=None)
log = logging.getLogger(ACCESS_LOGGER)


def accept_request_id(incoming: str | None) -> str:
    """Keep a caller's id when it is short and plain (it ends up in logs), else make one."""
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def logging_config(level: str = "INFO", access_log: bool = True) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn's `log_config`: every process, JSON lines.

    Given to uvicorn so that each worker process (`serve --workers N`) configures it too.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # uvicorn's loggers keep their names but write through the root handler.
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            ACCESS_LOGGER: {"level": "INFO" if access_log else "WARNING"},
        },
    }


def route_template(scope: Scope) -> str:
    """The matched route's full path template (`/api/v1/patients/{patient_id}`).

    Routing leaves the matched route in `scope["route"]`; a route of an included router knows
    only its own part of the path (`/patients/{patient_id}`), so the prefix in front of it is
    taken from the request path: the route's part, filled with this request's values, is
    the tail of the path, and what comes before it is the routers' prefix (no ids there).
    """
    route = scope.get("route")
    path_format = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(route, Mount) or route is None:
        # A mount (static files) adds its path to root_path: one series for the whole mount.
        mounted = str(scope.get("root_path", ""))[len(str(scope.get("app_root_path", ""))) :]
        return mounted or UNMATCHED_ROUTE
    if not isinstance(path_format, str) or not path_format:
        return UNMATCHED_ROUTE
    filled = path_format
    convertors = getattr(route, "param_convertors", {})
    for name, value in scope.get("path_params", {}).items():
        convertor = convertors.get(name)
        text = convertor.to_string(value) if convertor else str(value)
        filled = filled.replace("{" + name + "}", text)
    path: str = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path.removesuffix(filled) + path_format if path.endswith(filled) else path_format


class RequestTelemetry:
    """ASGI middleware: request id in, request id out, one access line and the metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        rid = accept_request_id(incoming)
        # Not reset afterwards: each request runs in its own task (its own copy of the
        # context), and Starlette's 500 handler, outside every middleware, logs in it too.
        request_id.set(rid)
        status = 500  # what the client gets if the app raises before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", rid.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            route = route_template(scope)
            metrics.observe_request(scope["method"], route, status, duration)
            log.info(
                "%s %s %d",
                scope["method"],
                route,
                status,
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(duration * 1000, 2),
                },
            )
