"""Who is looking at a page: the session principal, remembered on the request for the layout."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from needlecare.services.errors import Forbidden
from needlecare.services.principal import Principal
from needlecare.web.deps import optional_page_principal, page_principal
from needlecare.web.security import require_csrf


def viewer(request: Request, principal: Annotated[Principal, Depends(page_principal)]) -> Principal:
    request.state.viewer = principal
    return principal


def optional_viewer(
    request: Request, principal: Annotated[Principal | None, Depends(optional_page_principal)]
) -> Principal | None:
    request.state.viewer = principal
    return principal


def patient_viewer(principal: Annotated[Principal, Depends(viewer)]) -> Principal:
    if not principal.is_patient or principal.patient_id is None:
        raise Forbidden("these pages are for patients; staff use the clinic pages")
    return principal


def staff_viewer(principal: Annotated[Principal, Depends(viewer)]) -> Principal:
    if not principal.is_staff or principal.clinic_id is None:
        raise Forbidden("these pages are for clinic staff")
    return principal


def admin_viewer(principal: Annotated[Principal, Depends(staff_viewer)]) -> Principal:
    if not principal.is_admin:
        raise Forbidden("only a clinic admin can do this")
    return principal


Viewer = Annotated[Principal, Depends(viewer)]
MaybeViewer = Annotated[Principal | None, Depends(optional_viewer)]
PatientViewer = Annotated[Principal, Depends(patient_viewer)]
StaffViewer = Annotated[Principal, Depends(staff_viewer)]
AdminViewer = Annotated[Principal, Depends(admin_viewer)]
CsrfChecked = Depends(require_csrf)
