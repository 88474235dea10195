"""Product checker, "Scan the label": a photo of the ingredient list → the recognised list in
the checker's text box, for the patient to correct, then the usual verdict (POST /products).

Works without JavaScript: a plain multipart form whose file input opens the phone camera. The
photo is read while it streams in (size-limited, as photo uploads are) and not stored: a
reduced copy without metadata rides along in the page's forms (`carried_photo`), and is
stored only if the patient saves the product with it (pages/shelf.py, in the same action).
"""

from __future__ import annotations

from base64 import b64encode

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from needlecare.services import label_scan, photo_decode, shelf_photos
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api.photos import read_upload
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import PatientViewer
from needlecare.web.pages.forms import inline_errors
from needlecare.web.pages.patient_course import course_day
from needlecare.web.pages.product_checker import products_context, recommendations_context
from needlecare.web.pages.rendering import PageRoute, render
from needlecare.web.security import CSRF_FIELD, CSRF_HEADER, check_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    ingredients: str,
    scan: label_scan.LabelScan | None,
    errors: dict[str, str],
    status_code: int,
) -> Response:
    assert viewer.patient_id is not None
    # The checker page's own context (one list of what the template needs), then the scan's.
    form = {
        "ingredients": ingredients,
        "day": "0",
        shelf_photos.SCAN_FIELD: b64encode(scan.photo_copy).decode()
        if scan and scan.photo_copy
        else "",
    }
    context = products_context(course_day(uow, viewer), form, errors, None)
    context["scan"] = scan
    if not scan:
        context.update(recommendations_context(request, uow, viewer))
    return render(request, "patient/products.html", context, viewer=viewer, status_code=status_code)


@router.get("/products/scan")
def scan_label_reloaded(viewer: PatientViewer) -> RedirectResponse:
    """A reload, a bookmark or "back" onto the scan's result: the photo is not kept, so the
    patient goes back to the checker, where a scan starts (not a bare "405")."""
    return RedirectResponse("/products", status_code=303)


@router.post("/products/scan")
async def scan_label_page(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    """CSRF is checked after the size-limited parse (the token is inside the multipart body)."""
    assert viewer.patient_id is not None
    try:
        form = await read_upload(request)
    except photo_decode.PhotoTooLarge as error:
        return _page(request, viewer, uow, "", None, {"file": error.message}, 413)
    except Invalid as error:
        return _page(request, viewer, uow, "", None, inline_errors(error), 422)
    check_csrf(request, form.fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER))
    try:
        scan = await run_in_threadpool(
            label_scan.read_label_photo, uow, viewer, viewer.patient_id, form.content
        )
    except Invalid as error:
        return _page(request, viewer, uow, "", None, inline_errors(error), 422)
    return _page(request, viewer, uow, scan.text, scan, {}, 200)
