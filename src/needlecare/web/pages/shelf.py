"""Patient pages: "My products" (the shelf with today's routine and when each comes back)."""

from __future__ import annotations

from base64 import b64decode
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_
from needlecare.i18n_text import Text
from needlecare.services import photo_decode, shelf, shelf_photos
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api.photos import read_upload
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, PatientViewer
from needlecare.web.pages.forms import FormBody, carried_photo, inline_errors, text
from needlecare.web.pages.presenters import day_label
from needlecare.web.pages.rendering import PageRoute, flash, render
from needlecare.web.security import CSRF_FIELD, CSRF_HEADER, check_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PLAN_LABELS = {
    "use": N_("Use"),
    "use_with_care": N_("Use with care"),
    "not_yet": N_("Not yet"),
    "pause": N_("Pause: ask your clinic"),
}


def shelf_view(result: shelf.Shelf) -> dict[str, Any]:
    """The routine (today's plan per product) and the calendar of returns, for templates."""
    products = [
        {
            **entry.as_dict(),
            "plan_label": PLAN_LABELS[entry.plan],
            "resume_label": day_label(entry.resume_date) if entry.resume_date else None,
            # Two products may share a name (not a brand): the calendar and the hidden words
            # of "Remove" say which one (round 3: "Tret cream, Tret cream").
            "label": f"{entry.name} ({entry.brand})" if entry.brand else entry.name,
        }
        for entry in result.entries
    ]
    returns = sorted(
        (p for p in products if p["plan"] == "not_yet"),
        key=lambda p: (p["resume_day"], p["label"]),
    )
    calendar: list[dict[str, Any]] = []
    for product in returns:
        if not calendar or calendar[-1]["day"] != product["resume_day"]:
            calendar.append(
                {"day": product["resume_day"], "label": product["resume_label"], "names": []}
            )
        calendar[-1]["names"].append(product["label"])
    return {"day": result.day, "products": products, "calendar": calendar}


def _page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    photo_for: int | None = None,
) -> Response:
    assert viewer.patient_id is not None
    context = {
        "title": N_("My products"),
        "shelf": shelf_view(shelf.get_shelf(uow, viewer, viewer.patient_id)),
        "form": form,
        "errors": errors,
        "photo_for": photo_for,  # the product whose photo form shows `errors`
    }
    return render(request, "patient/shelf.html", context, viewer=viewer, status_code=status_code)


_EMPTY = {
    "name": "",
    "brand": "",
    "ingredients": "",
    "rinse_off": "",
    shelf_photos.SCAN_FIELD: "",  # a scan's photo, carried from the product checker
    "keep_photo": "",
}
_FIELD_FOR = {"inci_text": "ingredients", shelf_photos.SCAN_FIELD: "keep_photo"}


@router.get("/products/mine")
def shelf_page(request: Request, viewer: PatientViewer, uow: UowDep) -> Response:
    return _page(request, viewer, uow, dict(_EMPTY), {})


@router.post("/products/mine", dependencies=[CsrfChecked])
def add_product(request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep) -> Response:
    assert viewer.patient_id is not None
    values = {
        "name": text(form, "name", 201),  # one over: the service says it is too long
        "brand": text(form, "brand", 201),
        "ingredients": text(form, "ingredients"),
        "rinse_off": "yes" if text(form, "rinse_off", 3) == "yes" else "",
        shelf_photos.SCAN_FIELD: carried_photo(form),
        "keep_photo": "yes" if text(form, "keep_photo", 3) == "yes" else "",
    }
    data = shelf.ShelfProductCreate(
        values["name"], values["ingredients"], values["brand"], values["rinse_off"] == "yes"
    )
    photo = values[shelf_photos.SCAN_FIELD] if values["keep_photo"] else ""
    try:
        if photo:  # the scan's photo is stored now, with the product, or not at all
            shelf_photos.add_with_photo(uow, viewer, viewer.patient_id, data, b64decode(photo))
        else:
            shelf.add_product(uow, viewer, viewer.patient_id, data)
    except Invalid as error:
        errors = inline_errors(error, lambda f: _FIELD_FOR.get(f, f))
        return _page(request, viewer, uow, values, errors, 422)
    if photo:  # a flash keeps no values across the redirect: a whole message, translated
        flash(request, N_("Saved to your products, with your photo of its label."))
    else:
        flash(request, Text("{name} is on your shelf.", name=values["name"]))
    return RedirectResponse("/products/mine", status_code=303)


@router.post("/products/mine/remove", dependencies=[CsrfChecked])
def remove_product(
    request: Request, form: FormBody, viewer: PatientViewer, uow: UowDep
) -> Response:
    assert viewer.patient_id is not None
    product_id = text(form, "product_id", 12)
    removed = product_id.isdigit() and shelf.remove_product(
        uow, viewer, viewer.patient_id, int(product_id)
    )
    flash(
        request, N_("Removed from your shelf.") if removed else N_("That product was already gone.")
    )
    return RedirectResponse("/products/mine", status_code=303)


@router.post("/products/mine/{product_id}/photo")
async def keep_label_photo(
    request: Request, product_id: int, viewer: PatientViewer, uow: UowDep
) -> Response:
    """Keep a photo of the label with a product (multipart; CSRF checked after the
    size-limited parse, the token is inside the body). Stored clean, without metadata."""
    assert viewer.patient_id is not None

    def refused(message: str, status_code: int) -> Response:
        # Shown next to that product's file input (its id is the summary link's target).
        errors = {f"label-photo-{product_id}": message}
        return _page(request, viewer, uow, dict(_EMPTY), errors, status_code, product_id)

    try:
        form = await read_upload(request)
    except photo_decode.PhotoTooLarge as error:
        return refused(error.message, 413)
    except Invalid as error:
        return refused(next(iter(inline_errors(error).values())), 422)
    check_csrf(request, form.fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER))
    try:
        await run_in_threadpool(
            shelf_photos.keep_photo, uow, viewer, viewer.patient_id, product_id, form.content
        )
    except Invalid as error:
        return refused(next(iter(inline_errors(error).values())), 422)
    flash(request, N_("The photo of the label is kept with the product."))
    return RedirectResponse("/products/mine", status_code=303)


@router.get("/products/mine/{product_id}/photo")
def label_photo(product_id: int, viewer: PatientViewer, uow: UowDep) -> Response:
    assert viewer.patient_id is not None
    jpeg = shelf_photos.photo_jpeg(uow, viewer, viewer.patient_id, product_id)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})
