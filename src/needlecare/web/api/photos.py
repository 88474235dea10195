"""Photos of a patient: upload (multipart), list, the measurement, the files, a hand-drawn
region, the photo timeline, deletion. Only the patient and their clinic's staff see them;
anyone else gets 404, exactly as for a photo that does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from needlecare.services import photo_decode, photo_upload, photos
from needlecare.services import photo_timeline as timelines
from needlecare.services.errors import Invalid
from needlecare.services.photo_files import PhotoFiles
from needlecare.services.photo_upload import PhotoUpload
from needlecare.services.photos import FileKind
from needlecare.storage.models import Photo
from needlecare.web.api.schemas.accounts import Out, Strict
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, Cursor, Paged, link_next, position

router = APIRouter(tags=["photos"])

UPLOAD_OVERHEAD = 64 * 1024
"""Room for the multipart boundaries and the few text fields next to the file."""
MAX_BODY = photo_decode.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD
FILE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
}


def photo_files(request: Request) -> PhotoFiles:
    return PhotoFiles(request.app.state.settings.data_dir)


def multipart_body(required: tuple[str, ...] = (), **fields: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI request body of a route that parses its upload itself (`read_upload`):
    a multipart form with the photo as `file` and the given other fields (`required` too),
    for the route's `openapi_extra` (FastAPI documents no body it does not parse)."""
    properties = {"file": {"type": "string", "format": "binary"}, **fields}
    schema = {"type": "object", "required": ["file", *required], "properties": properties}
    return {
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    }


@dataclass
class UploadForm:
    content: bytes | None
    fields: dict[str, str] = field(default_factory=dict)


async def read_upload(request: Request) -> UploadForm:
    """Parse a multipart upload while it streams in: more than the limit is refused (413)
    as soon as it is exceeded, so a huge body is never read into memory or onto disk."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Invalid.field("file", "send the photo as multipart/form-data in a field named file")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise photo_decode.too_large()

    async def limited() -> Any:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > MAX_BODY:
                raise photo_decode.too_large()
            yield chunk

    parser = MultiPartParser(
        request.headers, limited(), max_files=1, max_fields=20, max_part_size=UPLOAD_OVERHEAD
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise Invalid.field("file", error.message) from None
    try:
        upload = form.get("file")
        content = await upload.read() if isinstance(upload, UploadFile) else None
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    finally:
        await form.close()
    return UploadForm(content, fields)


def _optional_int(fields: dict[str, str], name: str) -> int | None:
    value = fields.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise Invalid.field(name, "must be a whole number")
    return int(value)


def upload_from(form: UploadForm) -> PhotoUpload:
    if not form.content:
        raise Invalid.field("file", "choose a photo (JPEG, PNG or HEIC) to upload")
    return PhotoUpload(
        content=form.content,
        checkin_id=_optional_int(form.fields, "checkin_id"),
        treatment_id=_optional_int(form.fields, "treatment_id"),
        area=form.fields.get("area") or None,
    )


def file_response(file: photos.PhotoFile) -> Response:
    return FileResponse(
        file.path,
        media_type=file.media_type,
        headers={**FILE_HEADERS, "Content-Disposition": f'inline; filename="{file.filename}"'},
    )


class PhotoOut(Out):
    id: int
    patient_id: int
    treatment_id: int
    checkin_id: int | None
    area: str
    day: int
    sha256: str
    width: int
    height: int
    taken_at: datetime
    uploaded_at: datetime
    roi: list[int] | None = Field(description="x, y, width, height drawn by hand, if any")
    analysis: dict[str, Any] = Field(description="needlecare.photo_analysis report (version 1)")
    links: dict[str, str]


class UploadOut(PhotoOut):
    created: bool = Field(description="false: the same photo was already stored")


def _out(photo: Photo) -> dict[str, Any]:
    base = f"/api/v1/patients/{photo.patient_id}/photos/{photo.id}"
    return {
        "id": photo.id,
        "patient_id": photo.patient_id,
        "treatment_id": photo.treatment_id,
        "checkin_id": photo.checkin_id,
        "area": photo.area,
        "day": photo.day,
        "sha256": photo.sha256,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at,
        "uploaded_at": photo.uploaded_at,
        "roi": photo.roi,
        "analysis": photo.analysis,
        "links": {
            "image": f"{base}/image",
            "thumbnail": f"{base}/thumbnail",
            "overlay": f"{base}/overlay",
        },
    }


class RoiIn(Strict):
    """A box in the photo's pixels; send all four, or none to measure automatically again."""

    x: int | None = Field(None, ge=0, le=100_000)
    y: int | None = Field(None, ge=0, le=100_000)
    w: int | None = Field(None, gt=0, le=100_000)
    h: int | None = Field(None, gt=0, le=100_000)


class TimelineEntryOut(BaseModel):
    photo: PhotoOut
    vs_previous: dict[str, Any] | None
    vs_baseline: dict[str, Any] | None


class AreaTimelineOut(BaseModel):
    treatment_id: int
    treatment_date: date
    area: str
    entries: list[TimelineEntryOut]


PhotoId = Annotated[int, Path(ge=1)]


@router.post(
    "/patients/{patient_id}/photos",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadOut,
    responses={413: {"description": "Larger than 25 MB"}, 422: {"description": "Not a photo"}},
    openapi_extra=multipart_body(
        checkin_id={"type": "integer", "minimum": 1},
        treatment_id={"type": "integer", "minimum": 1},
        area={"type": "string", "maxLength": photo_upload.MAX_AREA_CHARS},
    ),
)
async def upload_photo(
    patient_id: int, request: Request, response: Response, actor: ApiActor, uow: UowDep
) -> UploadOut:
    """multipart/form-data: `file` (JPEG, PNG or HEIC, at most 25 MB), optional
    `checkin_id`, `treatment_id`, `area`. The stored copy is re-encoded without any
    metadata and measured (redness, skin tone, spot candidates). 200 if already stored."""
    await run_in_threadpool(photo_upload.check_upload_allowed, uow, actor, patient_id)
    upload = upload_from(await read_upload(request))
    outcome = await run_in_threadpool(
        photo_upload.upload_photo, uow, actor, patient_id, upload, files=photo_files(request)
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return UploadOut(**_out(outcome.photo), created=outcome.created)


@router.get(
    "/patients/{patient_id}/photos",
    response_model=list[PhotoOut],
    responses={200: {"headers": LINK_HEADER}},
)
def list_photos(
    patient_id: int,
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[PhotoOut]:
    """Oldest first, `limit` at a time (`Link: rel="next"` while more follow)."""
    page = photos.photo_page(uow, actor, patient_id, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [PhotoOut(**_out(p)) for p in page.items]


@router.get(
    "/patients/{patient_id}/photo-timeline",
    response_model=list[AreaTimelineOut],
    responses={200: {"headers": LINK_HEADER}},
)
def photo_timeline(
    patient_id: int,
    actor: ApiActor,
    uow: UowDep,
    request: Request,
    response: Response,
    sessions: Annotated[
        int, Query(ge=1, le=50, description="Treatment sessions per page, newest first")
    ] = 10,
    cursor: Cursor = None,
) -> list[AreaTimelineOut]:
    """Photos by treatment and area, oldest first, each compared with the previous and the
    first (baseline) photo of that area, `sessions` treatments at a time, newest first
    (`Link: rel="next"` while older ones follow). It informs; it does not diagnose."""
    page = timelines.photo_timeline(
        uow, actor, patient_id, after=position(request, cursor), sessions=sessions
    )
    link_next(request, response, page.after)
    return [
        AreaTimelineOut(
            treatment_id=t.treatment.id,
            treatment_date=t.treatment.treatment_date,
            area=t.area,
            entries=[
                TimelineEntryOut(
                    photo=PhotoOut(**_out(e.photo)),
                    vs_previous=e.vs_previous,
                    vs_baseline=e.vs_baseline,
                )
                for e in t.entries
            ],
        )
        for t in page.items
    ]


@router.get("/patients/{patient_id}/photos/{photo_id}", response_model=PhotoOut)
def get_photo(patient_id: int, photo_id: PhotoId, actor: ApiActor, uow: UowDep) -> PhotoOut:
    return PhotoOut(**_out(photos.get_photo(uow, actor, photo_id, patient_id=patient_id)))


def _serve(
    request: Request, patient_id: int, photo_id: int, kind: FileKind, actor: Any, uow: Any
) -> Response:
    file = photos.photo_file(
        uow, actor, photo_id, kind, files=photo_files(request), patient_id=patient_id
    )
    return file_response(file)


@router.get("/patients/{patient_id}/photos/{photo_id}/image", response_class=Response)
def photo_image(
    patient_id: int, photo_id: PhotoId, request: Request, actor: ApiActor, uow: UowDep
) -> Response:
    """The stored JPEG (re-encoded, no metadata)."""
    return _serve(request, patient_id, photo_id, "image", actor, uow)


@router.get("/patients/{patient_id}/photos/{photo_id}/thumbnail", response_class=Response)
def photo_thumbnail(
    patient_id: int, photo_id: PhotoId, request: Request, actor: ApiActor, uow: UowDep
) -> Response:
    return _serve(request, patient_id, photo_id, "thumbnail", actor, uow)


@router.get("/patients/{patient_id}/photos/{photo_id}/overlay", response_class=Response)
def photo_overlay(
    patient_id: int, photo_id: PhotoId, request: Request, actor: ApiActor, uow: UowDep
) -> Response:
    """PNG: the measured region outlined (blue) and the spot candidates circled (yellow)."""
    return _serve(request, patient_id, photo_id, "overlay", actor, uow)


def roi_tuple(x: int | None, y: int | None, w: int | None, h: int | None) -> photos.Roi | None:
    values = (x, y, w, h)
    if all(v is None for v in values):
        return None
    if any(v is None for v in values):
        raise Invalid.field("roi", "give all four of x, y, w and h, or none of them")
    return (int(x or 0), int(y or 0), int(w or 0), int(h or 0))


@router.put("/patients/{patient_id}/photos/{photo_id}/roi", response_model=PhotoOut)
def set_roi(
    patient_id: int,
    photo_id: PhotoId,
    body: RoiIn,
    request: Request,
    actor: ApiActor,
    uow: UowDep,
) -> PhotoOut:
    """Measure again inside a hand-drawn box (or automatically again with an empty body)."""
    roi = roi_tuple(body.x, body.y, body.w, body.h)
    photo = photos.set_roi(
        uow, actor, photo_id, roi, files=photo_files(request), patient_id=patient_id
    )
    return PhotoOut(**_out(photo))


@router.delete("/patients/{patient_id}/photos/{photo_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_photo(
    patient_id: int, photo_id: PhotoId, request: Request, actor: ApiActor, uow: UowDep
) -> Response:
    """The patient or their clinic's staff; the files go with the row."""
    photos.delete_photo(uow, actor, photo_id, files=photo_files(request), patient_id=patient_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
