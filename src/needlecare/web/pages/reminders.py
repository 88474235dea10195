"""Pausing check-in reminders from the link in a reminder email (no login needed: the signed
token in the link is the permission). GET only shows the choice, because mail scanners open
links; POST pauses, which is also what RFC 8058 one-click unsubscribe sends."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from needlecare.i18n import N_
from needlecare.services import notifications
from needlecare.web.deps import UowDep
from needlecare.web.pages.rendering import PageRoute, render

router = APIRouter(prefix="/reminders", route_class=PageRoute, include_in_schema=False)


def _page(request: Request, token: str, paused: bool) -> Response:
    title = N_("Reminders paused") if paused else N_("Pause reminders")
    response = render(
        request, "reminders/pause.html", {"title": title, "paused": paused, "token": token}
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


@router.get("/pause/{token}")
def pause_page(request: Request, token: str, uow: UowDep) -> Response:
    secret = request.app.state.settings.secret_key
    state = notifications.reminder_state(uow, secret, token)
    return _page(request, token, state.paused)


@router.post("/pause/{token}")
def pause(request: Request, token: str, uow: UowDep) -> Response:
    secret = request.app.state.settings.secret_key
    notifications.set_reminders_paused(uow, secret, token, paused=True)
    return _page(request, token, True)


@router.post("/resume/{token}")
def resume(request: Request, token: str, uow: UowDep) -> Response:
    secret = request.app.state.settings.secret_key
    notifications.set_reminders_paused(uow, secret, token, paused=False)
    return _page(request, token, False)
