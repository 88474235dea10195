"""Who is looking at a page: the session principal, remembered on the request for the layout."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from needlecare.services import clock
from needlecare.services.errors import Unauthorized
from needlecare.services.principal import Principal
from needlecare.services.viewer import PageViewer, Shown, Visit, page_viewer, require
from needlecare.web.deps import UowDep
from needlecare.web.security import require_csrf, session_generation, session_user_id


async def visit(request: Request) -> Visit:
    """What the session cookie claims (no I/O: checked when the viewer is read); without a
    login, Unauthorized: the pages send the visitor to the login page."""
    return _visit(request)


def shown_to(request: Request) -> Shown:
    """The hook that remembers the viewer on the request with what the layout shows on every
    page: a patient's red-flag banner and the clinic's contact, or the staff's queue counts
    (the same numbers the queue and the API show), and the time zone of the page's times."""

    def remember(seen: PageViewer) -> None:
        request.state.viewer = seen.principal
        request.state.time_zone = clock.zone_of(*seen.zones)
        if seen.care is not None:
            request.state.care = seen.care
        if seen.queue_counts is not None:
            request.state.queue_counts = seen.queue_counts

    return remember


def viewer(request: Request, uow: UowDep) -> Principal:
    """The session's viewer, remembered on the request (`shown_to`): one read-only unit of
    work before the page's own. The main pages read it in their own unit instead (`visit`
    and services.viewer)."""
    return page_viewer(uow, _visit(request), shown_to(request)).principal


def _visit(request: Request) -> Visit:
    user_id = session_user_id(request)
    if user_id is None:
        raise Unauthorized("please log in")
    return Visit(user_id, session_generation(request))


def optional_viewer(request: Request, uow: UowDep) -> Principal | None:
    try:
        return viewer(request, uow)
    except Unauthorized:
        request.state.viewer = None
        return None


def patient_viewer(principal: Annotated[Principal, Depends(viewer)]) -> Principal:
    return require(principal, "patient")


def staff_viewer(principal: Annotated[Principal, Depends(viewer)]) -> Principal:
    return require(principal, "staff")


def admin_viewer(principal: Annotated[Principal, Depends(staff_viewer)]) -> Principal:
    return require(principal, "admin")


Viewer = Annotated[Principal, Depends(viewer)]
MaybeViewer = Annotated[Principal | None, Depends(optional_viewer)]
PatientViewer = Annotated[Principal, Depends(patient_viewer)]
StaffViewer = Annotated[Principal, Depends(staff_viewer)]
AdminViewer = Annotated[Principal, Depends(admin_viewer)]
PageVisit = Annotated[Visit, Depends(visit)]
CsrfChecked = Depends(require_csrf)
