"""Who is looking at a page: the session principal, remembered on the request for the layout."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from needlecare.i18n import N_
from needlecare.services import clock
from needlecare.services.errors import Forbidden, Unauthorized
from needlecare.services.principal import Principal
from needlecare.services.viewer import page_viewer
from needlecare.web.deps import UowDep
from needlecare.web.security import require_csrf, session_generation, session_user_id


def viewer(request: Request, uow: UowDep) -> Principal:
    """The session's viewer (Unauthorized: the pages send the visitor to the login page),
    remembered on the request with what the layout shows on every page: a patient's red-flag
    banner and the clinic's contact, or the staff's queue counts (the same numbers the queue
    and the API show), and the time zone of the page's times. One read-only unit of work."""
    user_id = session_user_id(request)
    if user_id is None:
        raise Unauthorized("please log in")
    seen = page_viewer(uow, user_id, session_generation(request))
    request.state.viewer = seen.principal
    request.state.time_zone = clock.zone_of(*seen.zones)
    if seen.care is not None:
        request.state.care = seen.care
    if seen.queue_counts is not None:
        request.state.queue_counts = seen.queue_counts
    return seen.principal


def optional_viewer(request: Request, uow: UowDep) -> Principal | None:
    try:
        return viewer(request, uow)
    except Unauthorized:
        request.state.viewer = None
        return None


def patient_viewer(principal: Annotated[Principal, Depends(viewer)]) -> Principal:
    if not principal.is_patient or principal.patient_id is None:
        raise Forbidden(N_("these pages are for patients; staff use the clinic pages"))
    return principal


def staff_viewer(principal: Annotated[Principal, Depends(viewer)]) -> Principal:
    if not principal.is_staff or principal.clinic_id is None:
        raise Forbidden(N_("these pages are for clinic staff"))
    return principal


def admin_viewer(principal: Annotated[Principal, Depends(staff_viewer)]) -> Principal:
    if not principal.is_admin:
        raise Forbidden(N_("only a clinic admin can do this"))
    return principal


Viewer = Annotated[Principal, Depends(viewer)]
MaybeViewer = Annotated[Principal | None, Depends(optional_viewer)]
PatientViewer = Annotated[Principal, Depends(patient_viewer)]
StaffViewer = Annotated[Principal, Depends(staff_viewer)]
AdminViewer = Annotated[Principal, Depends(admin_viewer)]
CsrfChecked = Depends(require_csrf)
