"""Templates, the shared page context, and the route class that turns errors into pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from needlecare.i18n import N_, localize, resolve_locale, speaking, translator
from needlecare.i18n_templates import install_i18n
from needlecare.i18n_text import Text
from needlecare.services.errors import ServiceError
from needlecare.services.principal import Principal
from needlecare.services.renders import StillRendering
from needlecare.web.pages.timezones import local_time
from needlecare.web.pages.vocab import LEVELS, VERDICTS, flag_chip, humanize
from needlecare.web.security import csrf_token

STATIC = files("needlecare.web") / "static"
_FLASH_KEY = "flash"

ERROR_TEXT = {
    400: (N_("Something in that request was not right"), N_("Go back and try again.")),
    401: (N_("Please log in"), N_("Your session has ended.")),
    403: (
        N_("This page is not for your account"),
        N_("If you think you should see it, ask your clinic's admin."),
    ),
    404: (N_("Page not found"), N_("It may have moved, or it belongs to another account.")),
    409: (N_("That was already done"), N_("Reload the page to see the latest state.")),
    422: (N_("Some answers need another look"), N_("Go back and check the form.")),
}
GENERIC_ERROR = (N_("Something went wrong"), N_("Please try again."))


@lru_cache(maxsize=1)
def static_versions() -> dict[str, str]:
    """File name -> short content hash; URLs change when a file changes (long browser cache)."""
    return {
        entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()[:10]
        for entry in STATIC.iterdir()
        if entry.is_file()
    }


def static_url(name: str) -> str:
    return f"/static/{name}?v={static_versions().get(name, '0')}"


def icon(name: str) -> Markup:
    # Markup.format escapes its arguments: only the constant template is trusted.
    template = Markup(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>'
    )
    return template.format(static_url("icons.svg"), name)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("needlecare.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship inside the package and change only with a new release (and a
        # restart): no stat() of the file on every render. Keep every compiled template.
        auto_reload=False,
        cache_size=-1,
        extensions=["jinja2.ext.do"],
    )
    env.globals.update(icon=icon, static=static_url, LEVELS=LEVELS, VERDICTS=VERDICTS)
    env.filters["humanize"] = humanize
    env.filters["flag_chip"] = flag_chip
    env.filters["local_time"] = local_time
    return install_i18n(env)


templates = Jinja2Templates(env=_environment())


def compile_templates() -> int:
    """Compile every page template now (at start-up): the first request of each page pays
    no compilation, and a template that does not compile stops the start, not a request.
    Returns how many there are; a second call finds them all in the cache."""
    env = templates.env
    names = env.list_templates()  # the pages and what they include (the sheet's CSS)
    for name in names:
        env.get_template(name)
    return len(names)


def flash(request: Request, message: str) -> None:
    """Show `message` on the next page. A `Text` ("{name} is on your shelf.") keeps its
    message id and values across the redirect, so it is translated where it is shown."""
    stored: str | list[Any] = message
    if isinstance(message, Text):
        stored = [message.template, {key: str(value) for key, value in message.values.items()}]
    request.session.setdefault(_FLASH_KEY, []).append(stored)
    request.session[_FLASH_KEY] = request.session[_FLASH_KEY]  # mark the session modified


def _pop_flashes(request: Request) -> list[str]:
    if "session" not in request.scope:
        return []
    messages = request.session.pop(_FLASH_KEY, [])
    shown: list[str] = []
    for message in messages:
        if isinstance(message, str):
            shown.append(message)
        elif _stored_text(message):
            shown.append(Text(message[0], **message[1]))
    return shown


def _stored_text(message: object) -> bool:
    return (
        isinstance(message, list)
        and len(message) == 2
        and isinstance(message[0], str)
        and isinstance(message[1], dict)
        and all(isinstance(value, str) for value in message[1].values())
    )


# Later page modules (guide, photos) add their tab here instead of editing `_nav`.
# Keep each audience at five tabs or fewer: they share one row on a 390 px phone.
EXTRA_NAV: dict[str, list[tuple[str, str, str]]] = {"patient": [], "staff": []}


def add_nav_item(audience: str, href: str, label: str, glyph: str) -> None:
    """Register a main-navigation tab for `patient` or `staff` pages (idempotent)."""
    items = EXTRA_NAV[audience]
    if (href, label, glyph) not in items:
        items.append((href, label, glyph))


def page_locale(request: Request, viewer: Principal | None = None) -> str:
    """The language of this page: the viewer's stored choice, else the browser's, else English."""
    stored = viewer.language if viewer is not None else None
    return resolve_locale(stored, request.headers.get("accept-language"))


def _nav(
    request: Request, viewer: Principal | None, open_alerts: int | None, locale: str
) -> list[dict[str, Any]]:
    if viewer is None:
        return []
    _ = translator(locale)
    if viewer.is_staff:
        items = [
            ("/clinic/alerts", N_("Alerts"), "bell"),
            ("/clinic/patients", N_("Patients"), "users"),
            ("/clinic/invite", N_("Invite"), "plus"),
        ]
        items += EXTRA_NAV["staff"]
        items += [("/clinic/staff", N_("Staff"), "users")]  # clinicians read it; admins manage
        if viewer.is_admin:
            items += [
                ("/clinic/settings", N_("Settings"), "list"),
                ("/clinic/audit", N_("Audit log"), "list"),
            ]
    else:
        items = [
            ("/today", N_("Today"), "home"),
            ("/checkin", N_("Check in"), "clipboard"),
            ("/products", N_("Products"), "flask"),
            ("/history", N_("History"), "chart"),
            *EXTRA_NAV["patient"],
        ]
    path = request.url.path
    return [
        {
            "href": href,
            "label": _(label),
            "icon": glyph,
            "current": path == href or path.startswith(href + "/"),
            "count": open_alerts if href == "/clinic/alerts" else None,
        }
        for href, label, glyph in items
    ]


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    viewer: Principal | None = None,
    status_code: int = 200,
    open_alerts: int | None = None,
) -> Response:
    counts = getattr(request.state, "queue_counts", None)
    if open_alerts is None and counts is not None:
        open_alerts = counts.waiting
    locale = page_locale(request, viewer)
    request.state.locale = locale
    page: dict[str, Any] = {
        "locale": locale,
        "viewer": viewer,
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "nav": _nav(request, viewer, open_alerts, locale),
        "flashes": _pop_flashes(request),
        "title": "NeedleCare",
        "errors": {},
        "care": getattr(request.state, "care", None),
        "queue_counts": counts,
    }
    page.update(context or {})
    # Titles and flashes are set in Python with N_(): translated here, once the locale is known.
    page["title"] = localize(locale, page["title"])
    page["flashes"] = [localize(locale, message) for message in page["flashes"]]
    with speaking(locale):
        response = templates.TemplateResponse(request, template, page, status_code=status_code)
    # Pages show health data: never keep them in a shared or back-forward cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request, status_code: int, detail: str | None = None) -> Response:
    """A friendly page; `detail` (a sentence for the reader) replaces the default message."""
    viewer = request.state.viewer if hasattr(request.state, "viewer") else None
    _ = translator(page_locale(request, viewer))
    heading, message = (_(text) for text in ERROR_TEXT.get(status_code, GENERIC_ERROR))
    if detail:
        detail = _(detail)  # a service's sentence, translated when the catalogue knows it
        message = detail[:1].upper() + detail[1:].rstrip(".") + "."
    return render(
        request,
        "errors/error.html",
        {"title": heading, "heading": heading, "message": message, "status_code": status_code},
        viewer=viewer,
        status_code=status_code,
    )


def login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


class PageRoute(APIRoute):
    """Page routes answer with HTML pages: service errors become friendly error pages,
    an anonymous visitor is sent to the login page, never a JSON body or a traceback."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except ServiceError as error:
                if error.status == 401:
                    return (
                        login_redirect(request)
                        if request.method == "GET"
                        else error_page(request, 401)
                    )
                # A PDF still being made says so (its message is a catalogue sentence).
                shown = error.status in (403, 409) or isinstance(error, StillRendering)
                page = error_page(request, error.status, error.message if shown else None)
                retry_after = getattr(error, "retry_after_s", None)
                if isinstance(retry_after, int):  # 429 and 503: when to try again
                    page.headers["Retry-After"] = str(retry_after)
                return page
            except RequestValidationError:
                return error_page(request, 422 if request.method == "POST" else 404)
            except StarletteHTTPException as error:
                return error_page(request, error.status_code)

        return page_handler
