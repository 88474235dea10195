"""Downloads from the clinic's patient page: the report (PDF), its data (CSV, JSON) and the
FHIR R4 bundle, with the page session (the /api/v1 export routes want a bearer token, so a
logged-in clinician's browser got 401 there). The export service audits each download."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from needlecare.reports.tabular import TABLES
from needlecare.services import exports
from needlecare.services.errors import NotFound
from needlecare.web.deps import UowDep
from needlecare.web.downloads import attachment
from needlecare.web.pages.deps import StaffViewer
from needlecare.web.pages.rendering import PageRoute, page_locale

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)

# What the patient page offers, in its order: format -> button label.
DOWNLOADS = {
    "pdf": "Report (PDF)",
    "csv": "Check-ins (CSV)",
    "json": "All data (JSON)",
    "fhir": "FHIR R4 bundle",
}


@router.get("/patients/{patient_id}/download/{fmt}")
def download(
    request: Request,
    patient_id: int,
    fmt: str,
    viewer: StaffViewer,
    uow: UowDep,
    table: str = "checkins",
) -> Response:
    # An unknown format or table is a page that does not exist, not a form to correct.
    if fmt not in DOWNLOADS or table not in TABLES:
        raise NotFound("download")
    data_dir = request.app.state.settings.data_dir
    return attachment(
        exports.patient_export(
            uow,
            viewer,
            patient_id,
            fmt,
            table=table,
            data_dir=data_dir,
            locale=page_locale(request, viewer),  # the PDF: in the clinician's language
        )
    )
