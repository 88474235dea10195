"""Photo pages: upload (patient and clinic), the photo timeline with its charts, one photo
with a hand-drawn region, deletion, and the image files for `<img>` (session-authenticated).
The measurements inform; the pages say so and never diagnose."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from needlecare.charts import Chart, Measure, chart
from needlecare.i18n import N_, Text
from needlecare.services import (
    checkins,
    patients,
    photo_decode,
    photo_timeline,
    photo_upload,
    photos,
)
from needlecare.services.errors import Invalid
from needlecare.services.photo_timeline import AreaTimeline, TimelineEntry
from needlecare.services.photos import FileKind
from needlecare.services.principal import Principal
from needlecare.storage.models import Photo
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api.photos import (
    file_response,
    photo_files,
    read_upload,
    roi_tuple,
    upload_from,
)
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, PatientViewer, StaffViewer, Viewer
from needlecare.web.pages.forms import FormBody, inline_errors, sentence, text
from needlecare.web.pages.photo_words import (
    NOTICE,
    area_label,
    comparison_view,
    metrics,
    taken_on,
)
from needlecare.web.pages.presenters import charts_for, day_label
from needlecare.web.pages.rendering import PageRoute, flash, page_locale, render
from needlecare.web.pages.timezones import viewer_zone
from needlecare.web.paging import Cursor, next_path, position
from needlecare.web.security import CSRF_FIELD, CSRF_HEADER, check_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# --- where a viewer's pages live ------------------------------------------------------------


def _timeline_url(viewer: Principal, patient_id: int) -> str:
    return "/photos" if viewer.is_patient else f"/clinic/patients/{patient_id}/photos"


def _back(viewer: Principal, patient_id: int) -> dict[str, str]:
    if viewer.is_patient:
        return {"href": "/history", "label": N_("My history")}
    return {"href": f"/clinic/patients/{patient_id}", "label": N_("Back to the patient")}


# --- presenting measurements (words: photo_words) ---------------------------------------------


def _column(
    entry: TimelineEntry, previous: Photo | None, baseline: Photo | None, zone: tzinfo
) -> dict[str, Any]:
    photo = entry.photo
    return {
        "id": photo.id,
        "day": photo.day,
        "date_label": taken_on(photo, zone),
        "metrics": metrics(photo),
        "vs_previous": comparison_view(entry.vs_previous, previous),
        "vs_baseline": comparison_view(entry.vs_baseline, baseline),
    }


def area_view(
    timeline: AreaTimeline, index: int, locale: str = "en", zone: tzinfo = UTC
) -> dict[str, Any]:
    photos_ = [e.photo for e in timeline.entries]
    columns = []
    for i, entry in enumerate(timeline.entries):
        previous = photos_[i - 1] if i > 0 else None
        baseline = photos_[0] if i > 1 else None  # at i == 1 the baseline is the previous
        columns.append(_column(entry, previous, baseline, zone))
    return {
        "area": area_label(timeline.area),
        "treatment_label": day_label(timeline.treatment.treatment_date),
        "columns": columns,
        "charts": photo_charts(photos_, prefix=f"photo-{index}", locale=locale),
    }


# --- charts: the one chart module, fed with photo measurements --------------------------------

_PHOTO_EMPTY = N_("No photo measured yet: the chart appears after the first one.")
PHOTO_MEASURES = (
    # Photos are days apart by nature: the line joins them; several on a day: the last.
    Measure(
        "a_star",
        N_("Redness in the photo"),
        N_("mean a* (CIELAB)"),
        from_zero=False,
        series="redness",
        keep="last",
        join_gaps=True,
        empty=_PHOTO_EMPTY,
    ),
    Measure(
        "erythema_index",
        N_("Erythema index"),
        N_("median EI"),
        from_zero=False,
        series="pain",
        keep="last",
        join_gaps=True,
        empty=_PHOTO_EMPTY,
    ),
    Measure(
        "spots",
        N_("Spot candidates"),
        N_("count"),
        series="breakouts",
        keep="last",
        join_gaps=True,
        empty=_PHOTO_EMPTY,
    ),
)


def photo_charts(rows: Sequence[Photo], prefix: str, locale: str = "en") -> list[Chart]:
    """One chart per measure, x = day after treatment, its words and numbers in `locale`."""
    charts = []
    for measure in PHOTO_MEASURES:
        values = [
            (p.day, float(v)) for p in rows if isinstance(v := metrics(p)[measure.key], int | float)
        ]
        charts.append(chart(measure, values, f"{prefix}-{measure.key}", locale))
    return charts


# --- timeline -------------------------------------------------------------------------------

TIMELINE_PAGE = photo_timeline.TIMELINE_SESSIONS
"""Treatment sessions per timeline page, newest first; "Photos of earlier treatment
sessions" leads on (a signed cursor)."""


def _timeline_page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    patient_id: int,
    overlay: bool,
    cursor: str | None,
) -> Response:
    page = photo_timeline.photo_timeline(
        uow, viewer, patient_id, after=position(request, cursor), sessions=TIMELINE_PAGE
    )
    timelines = page.items
    # The symptom charts are the newest check-ins': on the first page only.
    rows = [] if cursor else list(checkins.list_checkins(uow, viewer, patient_id))
    locale = page_locale(request, viewer)
    name = (
        "My photos"
        if viewer.is_patient
        else patients.get_patient(uow, viewer, patient_id).display_name
    )
    base = _timeline_url(viewer, patient_id)
    # The other view of the same page (the cursor stays).
    other = (
        request.url.remove_query_params("overlay")
        if overlay
        else request.url.include_query_params(overlay=1)
    )
    context = {
        "title": N_("Photos") if viewer.is_patient else f"Photos · {name}",
        "heading": name if not viewer.is_patient else N_("My photos"),
        "areas": [area_view(t, i, locale, viewer_zone(request)) for i, t in enumerate(timelines)],
        # symptom scores, for _trends.html
        "charts": charts_for(rows, prefix="symptoms", locale=locale),
        "overlay": overlay,
        "toggle_href": other.path + (f"?{other.query}" if other.query else ""),
        "earlier_url": next_path(request, page.after),
        "continued": cursor is not None,
        "newest_href": base,
        "upload_href": "/photos/new" if viewer.is_patient else f"{base}/new",
        "back": _back(viewer, patient_id),
        "notice": NOTICE,
    }
    return render(request, "photos/timeline.html", context, viewer=viewer)


@router.get("/photos")
def my_photos(
    request: Request, viewer: PatientViewer, uow: UowDep, overlay: int = 0, cursor: Cursor = None
) -> Response:
    assert viewer.patient_id is not None  # PatientViewer
    return _timeline_page(request, viewer, uow, viewer.patient_id, bool(overlay), cursor)


@router.get("/clinic/patients/{patient_id}/photos")
def patient_photos(
    request: Request,
    patient_id: int,
    viewer: StaffViewer,
    uow: UowDep,
    overlay: int = 0,
    cursor: Cursor = None,
) -> Response:
    return _timeline_page(request, viewer, uow, patient_id, bool(overlay), cursor)


# --- upload ---------------------------------------------------------------------------------


def _upload_page(
    request: Request,
    viewer: Principal,
    action: str,
    back: dict[str, str],
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "title": N_("Add a photo"),
        "action": action,
        "form": form,
        "errors": errors or {},
        "back": back,
        "max_mb": photo_decode.MAX_UPLOAD_BYTES // (1024 * 1024),
        "per_checkin": photo_upload.MAX_PHOTOS_PER_CHECKIN,
    }
    return render(request, "photos/upload.html", context, viewer=viewer, status_code=status_code)


async def _upload(
    request: Request, viewer: Principal, uow: UnitOfWork, patient_id: int
) -> Response:
    action, back = request.url.path, _back(viewer, patient_id)
    values = {"area": "", "checkin_id": ""}
    await run_in_threadpool(photo_upload.check_upload_allowed, uow, viewer, patient_id)
    try:
        form = await read_upload(request)
    except photo_decode.PhotoTooLarge as error:
        return _upload_page(request, viewer, action, back, values, {"file": error.message}, 413)
    except Invalid as error:
        return _upload_page(request, viewer, action, back, values, inline_errors(error), 422)
    check_csrf(request, form.fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER))
    values = {k: form.fields.get(k, "")[:100] for k in values}
    try:
        upload = upload_from(form)
        outcome = await run_in_threadpool(
            photo_upload.upload_photo, uow, viewer, patient_id, upload, files=photo_files(request)
        )
    except photo_decode.PhotoTooLarge as error:
        return _upload_page(request, viewer, action, back, values, {"file": error.message}, 413)
    except Invalid as error:
        return _upload_page(request, viewer, action, back, values, inline_errors(error), 422)
    flash(
        request,
        "Photo saved and measured." if outcome.created else "This photo was already saved.",
    )
    return RedirectResponse(f"/photos/{outcome.photo.id}", status_code=303)


@router.get("/photos/new")
def my_upload_form(
    request: Request, viewer: PatientViewer, checkin_id: int | None = None
) -> Response:
    assert viewer.patient_id is not None
    form = {"area": "", "checkin_id": "" if checkin_id is None else str(checkin_id)}
    return _upload_page(request, viewer, "/photos/new", _back(viewer, viewer.patient_id), form)


@router.post("/photos/new")
async def my_upload(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    """CSRF is checked after the size-limited parse (the token is inside the multipart body)."""
    assert viewer.patient_id is not None
    return await _upload(request, viewer, uow, viewer.patient_id)


@router.get("/clinic/patients/{patient_id}/photos/new")
def staff_upload_form(
    request: Request, patient_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    patients.get_patient(uow, viewer, patient_id)  # 404 for another clinic's patient
    action = f"/clinic/patients/{patient_id}/photos/new"
    form = {"area": "", "checkin_id": ""}
    return _upload_page(request, viewer, action, _back(viewer, patient_id), form)


@router.post("/clinic/patients/{patient_id}/photos/new")
async def staff_upload(
    request: Request, patient_id: int, viewer: StaffViewer, uow: UowDep
) -> Response:
    return await _upload(request, viewer, uow, patient_id)


# --- one photo: region, deletion, files -------------------------------------------------------


def _photo_page(
    request: Request,
    viewer: Principal,
    photo: Photo,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    roi: list[int | None] = list(photo.roi) if photo.roi else [None, None, None, None]
    context = {
        "title": Text("Photo, day {day}", day=photo.day),
        "photo": {
            "id": photo.id,
            "day": photo.day,
            "area": area_label(photo.area),
            "width": photo.width,
            "height": photo.height,
            "date_label": taken_on(photo, viewer_zone(request)),
        },
        "metrics": metrics(photo),
        "form": form or dict(zip(("x", "y", "w", "h"), map(_blank, roi), strict=True)),
        "errors": errors or {},
        "timeline_href": _timeline_url(viewer, photo.patient_id),
        "notice": NOTICE,
    }
    return render(request, "photos/photo.html", context, viewer=viewer, status_code=status_code)


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


@router.get("/photos/{photo_id}")
def photo_page(request: Request, photo_id: int, viewer: Viewer, uow: UowDep) -> Response:
    return _photo_page(request, viewer, photos.get_photo(uow, viewer, photo_id))


def _number(value: str, name: str) -> int | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Invalid.field(name, "enter a number of pixels") from None
    if not math.isfinite(number) or not 0 <= number <= 100_000:
        raise Invalid.field(name, "enter a number of pixels from 0 to 100000")
    return round(number)


@router.post("/photos/{photo_id}/roi", dependencies=[CsrfChecked])
def set_roi(
    request: Request, photo_id: int, form: FormBody, viewer: Viewer, uow: UowDep
) -> Response:
    values = {k: text(form, k, 20) for k in ("x", "y", "w", "h")}
    automatic = text(form, "measure", 20) == "auto"
    try:
        roi = None
        if not automatic:
            numbers = {k: _number(v, k) for k, v in values.items()}
            roi = roi_tuple(numbers["x"], numbers["y"], numbers["w"], numbers["h"])
            if roi is None:
                raise Invalid.field("x", "draw a box on the photo, or enter x, y, width and height")
        photos.set_roi(uow, viewer, photo_id, roi, files=photo_files(request))
    except Invalid as error:
        errors = {("x" if k == "roi" else k): sentence(v) for k, v in inline_errors(error).items()}
        photo = photos.get_photo(uow, viewer, photo_id)
        return _photo_page(request, viewer, photo, values, errors, status_code=422)
    flash(request, "Measured again automatically." if automatic else "Measured inside your box.")
    return RedirectResponse(f"/photos/{photo_id}", status_code=303)


@router.post("/photos/{photo_id}/delete", dependencies=[CsrfChecked])
def delete_photo(
    request: Request, photo_id: int, form: FormBody, viewer: Viewer, uow: UowDep
) -> Response:
    photo = photos.get_photo(uow, viewer, photo_id)
    if text(form, "confirm", 10) != "yes":
        errors = {"confirm": "Tick the box to confirm that the photo should be deleted."}
        return _photo_page(request, viewer, photo, None, errors, status_code=422)
    photos.delete_photo(uow, viewer, photo_id, files=photo_files(request))
    flash(request, N_("The photo and its measurement are deleted."))
    return RedirectResponse(_timeline_url(viewer, photo.patient_id), status_code=303)


def _serve(
    request: Request, photo_id: int, kind: FileKind, viewer: Principal, uow: UnitOfWork
) -> Response:
    return file_response(photos.photo_file(uow, viewer, photo_id, kind, files=photo_files(request)))


@router.get("/photos/{photo_id}/image")
def photo_image(request: Request, photo_id: int, viewer: Viewer, uow: UowDep) -> Response:
    return _serve(request, photo_id, "image", viewer, uow)


@router.get("/photos/{photo_id}/thumbnail")
def photo_thumbnail(request: Request, photo_id: int, viewer: Viewer, uow: UowDep) -> Response:
    return _serve(request, photo_id, "thumbnail", viewer, uow)


@router.get("/photos/{photo_id}/overlay")
def photo_overlay(request: Request, photo_id: int, viewer: Viewer, uow: UowDep) -> Response:
    return _serve(request, photo_id, "overlay", viewer, uow)
