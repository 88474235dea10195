"""Behind a reverse proxy: believe X-Forwarded-For/-Proto only from configured proxies, and mark
the session cookie Secure whenever the request arrived over https.

Without NEEDLECARE_TRUSTED_PROXIES the forwarded headers are ignored (a client could forge
them to dodge the per-IP login limit); the cookie is then Secure only when the server itself
speaks TLS or NEEDLECARE_SECURE_COOKIES=1.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from needlecare.config import Settings
from needlecare.services import photo_decode
from needlecare.services.errors import Invalid, NotFound
from needlecare.web.errors import error_response


class SecureCookieOnHttpsMiddleware:
    """Adds `Secure` to every Set-Cookie of a response to an https request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = []
                for name, value in message.get("headers", []):
                    if name.lower() == b"set-cookie" and b"secure" not in value.lower():
                        value = value + b"; Secure"
                    headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_secure)


def install_proxy_and_tls(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(SecureCookieOnHttpsMiddleware)
    # Always installed: with no trusted proxy it strips nothing and believes nothing.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))


MAX_DB_ID = 2**31 - 1  # ids are INTEGER columns (32-bit on PostgreSQL); larger cannot exist
_ASCII_ID = re.compile(r"[0-9]{1,10}")


def _is_db_id(value: str) -> bool:
    # str.isdigit() also accepts "²" and "①", which int() then refuses: ASCII digits only.
    return _ASCII_ID.fullmatch(value) is not None and int(value) <= MAX_DB_ID


async def reject_out_of_range_ids(request: Request) -> None:
    """App-wide dependency, for every route: a path id that is not ASCII digits within a
    database integer is simply not found, and such a query parameter (`before_id`, ...) is
    invalid. Without it the driver raises OverflowError / NumericValueOutOfRange (a 500)."""
    for name, value in request.path_params.items():
        raw = str(value).strip().lstrip("+-")
        # Anything else that is not a number ("abc") is left to the route's own validation.
        if name.endswith("_id") and raw.isdigit() and not _is_db_id(raw):
            raise NotFound(name.removesuffix("_id"))
    for name, value in request.query_params.multi_items():
        if name.endswith("_id") and value.strip().lstrip("+-").isdigit() and not _is_db_id(value):
            raise Invalid.field(f"query.{name}", f"an id is a whole number from 1 to {MAX_DB_ID}")


# --- request bodies: a size budget per route, and text every database can store ----------

KIB = 1024
UPLOAD_BODY_LIMIT = photo_decode.MAX_UPLOAD_BYTES + 64 * KIB  # the photo plus multipart framing
BODY_LIMITS: tuple[tuple[re.Pattern[str], int], ...] = (
    # Logins, registration, invitations: a few short fields; refused before any password work.
    (
        re.compile(
            r"/api/v1/(auth/tokens|register|invitations/staff/accept)|/(login|register|invite/[^/]+)"
        ),
        8 * KIB,
    ),
    # A check-in: symptoms, a note and up to 20 ingredient lists.
    (re.compile(r"/api/v1/patients/[^/]+/checkins|/checkin"), 128 * KIB),
    # Photo uploads: streamed and limited again by the route (never buffered here).
    (re.compile(r"(/api/v1|/clinic)?/patients/[^/]+/photos(/new)?|/photos/new"), UPLOAD_BODY_LIMIT),
    # Label photos (a phone's is 2-5 MB): the scan, and one kept with a shelf product.
    (
        re.compile(
            r"/products/scan|/products/mine/[^/]+/photo"
            r"|/api/v1/patients/[^/]+/(ingredient-scan|shelf/[^/]+/photo)"
        ),
        UPLOAD_BODY_LIMIT,
    ),
    # The checker and "save to my products" carry the scan's reduced photo along (base64).
    (re.compile(r"/products(/mine)?"), 2048 * KIB),
)
DEFAULT_BODY_LIMIT = 512 * KIB
"""Everything else: the largest is a clinic protocol (at most 50 000 characters)."""
# Any page form may come multipart-encoded too (a browser chooses): checked the same way.
_CHECKED_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def body_limit(path: str) -> int:
    for pattern, limit in BODY_LIMITS:
        if pattern.fullmatch(path):
            return limit
    return DEFAULT_BODY_LIMIT


class BodyTooLarge(StarletteHTTPException):
    """Raised while a streamed body is read past its route's limit (an HTTPException so
    that FastAPI's body reading passes it on instead of calling it a parse error)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request is larger than {_size(limit)}; nothing was saved.")


def _size(limit: int) -> str:
    return f"{limit // (1024 * KIB)} MB" if limit >= 1024 * KIB else f"{limit // KIB} KB"


def unstorable_text(value: str) -> str | None:
    """Why `value` cannot be stored as text on every database, or None: PostgreSQL refuses
    NUL, and a lone surrogate cannot be encoded as UTF-8 at all."""
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains an unpaired surrogate (not valid Unicode text)"
    return None


def _first_unstorable(value: Any, where: str) -> tuple[str, str] | None:
    """The first string in a parsed JSON document or form that cannot be stored."""
    if isinstance(value, str):
        problem = unstorable_text(value)
        return (where or "body", problem) if problem else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        name = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and (problem := unstorable_text(key)):
            return name, problem
        found = _first_unstorable(item, name)
        if found:
            return found
    return None


async def _multipart_problem(scope: Scope, body: bytes) -> tuple[str, str] | None:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(Headers(scope=scope), stream(), max_files=10, max_fields=200)
    try:
        form = await parser.parse()
    except MultiPartException:
        return None  # malformed: the route's own parse answers with its message
    try:
        for name, value in form.multi_items():
            problem = unstorable_text(name) or (
                unstorable_text(value) if isinstance(value, str) else None
            )
            if problem:
                return name.replace("\x00", ""), problem
    finally:
        await form.close()
    return None


async def _body_problem(scope: Scope, content_type: str, body: bytes) -> tuple[str, str] | None:
    if content_type.startswith("multipart/form-data"):
        return await _multipart_problem(scope, body)
    if content_type.startswith("application/json"):
        try:
            document = json.loads(body)
        except ValueError:
            return None  # malformed: FastAPI answers 422 with its own detail
        return _first_unstorable(document, "")
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        problem = unstorable_text(name) or unstorable_text(value)
        if problem:
            return name.replace("\x00", ""), problem
    return None


class RequestBudgetMiddleware:
    """Pure ASGI, outside sessions and every route: a body over its route's limit is refused
    with 413 before the app reads it (declared by Content-Length, or counted as it streams),
    and a small JSON or form body, the query string and the path are checked for text no
    database can store (422), so no route can fail on them with a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, 413, BodyTooLarge(limit).detail, "too_large")
            return
        problem = self._query_problem(scope)
        content_type = headers.get("content-type", "").lower()
        if (
            problem is None
            and limit < UPLOAD_BODY_LIMIT
            and content_type.startswith(_CHECKED_TYPES)
        ):
            body = await _read_all(receive, limit)
            if body is None:
                await self._refuse(
                    scope, receive, send, 413, BodyTooLarge(limit).detail, "too_large"
                )
                return
            problem = await _body_problem(scope, content_type, body)
            receive = _replay(body)
        if problem is not None:
            field, message = problem
            await self._refuse(
                scope,
                receive,
                send,
                422,
                "invalid input",
                "invalid",
                [{"field": field, "message": message}],
            )
            return
        await self.app(scope, _counted(receive, limit), send)

    @staticmethod
    def _query_problem(scope: Scope) -> tuple[str, str] | None:
        problem = unstorable_text(scope["path"])
        if problem:
            return "path", problem
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True):
            problem = unstorable_text(name) or unstorable_text(value)
            if problem:
                return f"query.{name.replace(chr(0), '')}", problem
        return None

    @staticmethod
    async def _refuse(
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        message: str,
        code: str,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        response = error_response(Request(scope), status, message, code, errors)
        if status == 413:
            response.headers["connection"] = "close"  # do not read the rest of a huge body
        await response(scope, receive, send)


async def _read_all(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _counted(receive: Receive, limit: int) -> Receive:
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return counting
