"""Browser security: signed session cookie, CSRF tokens, security headers.

For page routes:
    login_session(request, principal)   after a successful login (rotates the session)
    logout_session(request)
    session_user_id(request) -> int | None
    csrf_token(request) -> str          put it in every form as <input name="csrf_token">
    Depends(require_csrf)               on every unsafe (POST) page route; 403 if it is wrong
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from needlecare.config import Settings
from needlecare.i18n import N_
from needlecare.services import auth
from needlecare.services.errors import Forbidden
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork

SESSION_COOKIE = "needlecare_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_CSRF_KEY = "csrf"
_USER_KEY = "uid"
_GENERATION_KEY = "gen"


class CsrfFailed(Forbidden):
    code = "csrf_failed"


def install_sessions(app: FastAPI, settings: Settings) -> None:
    """Signed (itsdangerous) cookie: HttpOnly, SameSite=Lax, Secure when behind TLS."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )


def login_session(request: Request, principal: Principal) -> None:
    # A fresh session on login: a session fixed before login must not survive it.
    request.session.clear()
    request.session[_USER_KEY] = principal.user_id
    request.session[_GENERATION_KEY] = principal.session_generation
    request.session[_CSRF_KEY] = secrets.token_urlsafe(32)


def logout_session(request: Request) -> None:
    """Clear this cookie and end every other copy of it: the cookie is signed, not stored,
    so a copy taken before logout would otherwise keep working until it expires."""
    user_id = session_user_id(request)
    request.session.clear()
    if user_id is not None:
        auth.logout(UnitOfWork(request.app.state.session_factory), user_id)


def session_user_id(request: Request) -> int | None:
    value = request.session.get(_USER_KEY)
    return value if isinstance(value, int) else None


def session_generation(request: Request) -> int:
    """The login's session generation recorded at login (0 in cookies made before it was)."""
    value = request.session.get(_GENERATION_KEY, 0)
    return value if isinstance(value, int) else -1


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[_CSRF_KEY] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get(_CSRF_KEY)
    if not isinstance(expected, str) or not submitted:
        raise CsrfFailed(N_("the form expired; reload the page and try again"))
    if not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise CsrfFailed(N_("the form expired; reload the page and try again"))


async def require_csrf(request: Request) -> None:
    """Dependency for unsafe page routes: form field `csrf_token` or header X-CSRF-Token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    check_csrf(request, submitted)


PAGE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI and ReDoc load their assets from a CDN and use inline scripts.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "worker-src 'self' blob:; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Adds CSP, frame-ancestors, referrer policy and nosniff to every response (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else PAGE_CSP
        extra: list[tuple[bytes, bytes]] = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if path.startswith("/api/"):
            extra.append((b"cache-control", b"no-store"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in extra if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
