"""Reports and exports: a patient's PDF/JSON/CSV/FHIR, the clinic's export, the patient's
own data download and deletion request. Every one of them is audited by the service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from needlecare.i18n import resolve_locale
from needlecare.services import deletion, exports
from needlecare.services.my_data import my_data_export
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.downloads import attachment

router = APIRouter(tags=["exports"])

Table = Literal["patients", "treatments", "checkins", "alerts", "notes", "messages", "shelf"]
TableQuery = Annotated[Table, Query(description="Which table of the export the CSV holds")]


def _data_dir(request: Request) -> Path:
    data_dir: Path = request.app.state.settings.data_dir
    return data_dir


_TRY_AGAIN = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
PDF_REFUSALS: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "Your other PDF is still being made",
        "headers": _TRY_AGAIN,
    },
    503: {"description": "Every PDF slot of the server is taken", "headers": _TRY_AGAIN},
}


@router.get("/patients/{patient_id}/report.pdf", response_class=Response, responses=PDF_REFUSALS)
def patient_report_pdf(patient_id: int, request: Request, actor: ApiActor, uow: UowDep) -> Response:
    """The patient's report as PDF (their clinic's staff, or the patient)."""
    # In the reader's language: their stored choice, else their client's Accept-Language.
    locale = resolve_locale(actor.language, request.headers.get("accept-language"))
    return attachment(
        exports.patient_export(
            uow, actor, patient_id, "pdf", data_dir=_data_dir(request), locale=locale
        )
    )


@router.get("/patients/{patient_id}/export.json", response_class=Response)
def patient_export_json(patient_id: int, actor: ApiActor, uow: UowDep) -> Response:
    return attachment(exports.patient_export(uow, actor, patient_id, "json"))


@router.get("/patients/{patient_id}/export.csv", response_class=Response)
def patient_export_csv(
    patient_id: int, actor: ApiActor, uow: UowDep, table: TableQuery = "checkins"
) -> Response:
    return attachment(exports.patient_export(uow, actor, patient_id, "csv", table=table))


@router.get("/patients/{patient_id}/fhir", response_class=Response)
def patient_fhir(patient_id: int, request: Request, actor: ApiActor, uow: UowDep) -> Response:
    """A FHIR R4 (4.3.0, R4B) Bundle of type collection; photos as Media."""
    return attachment(
        exports.patient_export(uow, actor, patient_id, "fhir", data_dir=_data_dir(request))
    )


@router.get("/clinic/export.csv", response_class=Response)
def clinic_export_csv(actor: ApiActor, uow: UowDep, table: TableQuery = "checkins") -> Response:
    """Staff only: one table of the clinic's data as CSV."""
    return attachment(exports.clinic_export(uow, actor, "csv", table=table))


@router.get("/clinic/export.json", response_class=Response)
def clinic_export_json(actor: ApiActor, uow: UowDep) -> Response:
    """Staff only: all of the clinic's patients, treatments, check-ins, alerts and notes."""
    return attachment(exports.clinic_export(uow, actor, "json"))


@router.get("/me/export", response_class=Response)
def my_data(request: Request, actor: ApiActor, uow: UowDep) -> Response:
    """Patients: everything NeedleCare stores about you: a ZIP with the JSON export
    (`needlecare-my-data.json`), your photos (`photos/<id>.jpg`) and the label photos kept
    with your products (`shelf/<product id>-label.jpg`)."""
    return attachment(my_data_export(uow, actor, data_dir=_data_dir(request)))


class DeleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confirm: str = Field(
        max_length=100, description=f'Type "{deletion.DELETE_CONFIRMATION}" to confirm'
    )


class DeleteOut(BaseModel):
    deleted: bool
    patient_id: int
    rows_deleted: dict[str, int]
    files_deleted: int


@router.post("/me/delete", response_model=DeleteOut)
def delete_my_data(body: DeleteIn, request: Request, actor: ApiActor, uow: UowDep) -> DeleteOut:
    """Patients: delete everything stored about you. Your login stops working at once; the
    audit log keeps only that a deletion happened."""
    receipt = deletion.delete_my_data(uow, actor, body.confirm, data_dir=_data_dir(request))
    return DeleteOut(
        deleted=True,
        patient_id=receipt.patient_id,
        rows_deleted=receipt.rows_deleted,
        files_deleted=receipt.files_deleted,
    )
