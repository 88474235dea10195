"""Who is looking at a page: the session principal, remembered on the request for the layout."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from needlecare.i18n import N_
from needlecare.services import alert_queue, care_status
from needlecare.services.errors import Forbidden
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep, optional_page_principal, page_principal
from needlecare.web.security import require_csrf


def _remember(request: Request, uow: UnitOfWork, principal: Principal | None) -> None:
    # What the layout shows on every page: a patient's red-flag banner and the clinic's
    # contact, or the staff's queue counts (the same numbers the queue and the API show).
    request.state.viewer = principal
    if principal is None:
        return
    if principal.is_patient:
        request.state.care = care_status.patient_status(uow, principal)
    elif principal.is_staff and principal.clinic_id is not None:
        request.state.queue_counts = alert_queue.counts(uow, principal)


def viewer(
    request: Request, uow: UowDep, principal: Annotated[Principal, Depends(page_principal)]
) -> Principal:
    _remember(request, uow, principal)
    return principal


def optional_viewer(
    request: Request,
    uow: UowDep,
    principal: Annotated[Principal | None, Depends(optional_page_principal)],
) -> Principal | None:
    _remember(request, uow, principal)
    return principal


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
