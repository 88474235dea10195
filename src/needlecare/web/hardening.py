"""Behind a reverse proxy: believe X-Forwarded-For/-Proto only from configured proxies, and mark
the session cookie Secure whenever the request arrived over https.

Without NEEDLECARE_TRUSTED_PROXIES the forwarded headers are ignored (a client could forge
them to dodge the per-IP login limit); the cookie is then Secure only when the server itself
speaks TLS or NEEDLECARE_SECURE_COOKIES=1.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from needlecare.config import Settings
from needlecare.services.errors import NotFound


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


async def reject_out_of_range_ids(request: Request) -> None:
    """App-wide dependency: a path id beyond any database integer is simply not found
    (without it the driver raises OverflowError / NumericValueOutOfRange: a 500)."""
    for name, value in request.path_params.items():
        raw = str(value).strip().lstrip("+-")
        if name.endswith("_id") and raw.isdigit() and (len(raw) > 10 or int(raw) > MAX_DB_ID):
            raise NotFound(name.removesuffix("_id"))
