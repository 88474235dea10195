"""A patient's shelf ("my products") with today's verdict and plan for each product."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from needlecare.services import catalogue, shelf, shelf_photos
from needlecare.services.errors import Invalid
from needlecare.web.api.photos import multipart_body, read_upload
from needlecare.web.api.schemas.accounts import Strict
from needlecare.web.api.schemas.domain import Loose
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, Paged

router = APIRouter(tags=["products"])


class ShelfProductIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    brand: str = Field("", max_length=200)
    inci_text: str = Field(min_length=1, max_length=20_000, description="The list as printed")
    rinse_off: bool = False


class ShelfEntryOut(Loose):
    id: int
    name: str
    brand: str
    inci_text: str
    rinse_off: bool
    status: Literal["recommended", "ok", "caution", "avoid"]
    plan: Literal["use", "use_with_care", "not_yet", "pause"]
    resume_day: int | None
    resume_date: date | None
    reasons: list[dict[str, Any]]
    has_photo: bool = Field(description="A label photo is kept with it (GET .../photo)")


class ShelfOut(Loose):
    day: int | None = Field(description="Days since the latest treatment (none: judged as day 0)")
    products: list[ShelfEntryOut]


def _out(result: shelf.Shelf) -> ShelfOut:
    return ShelfOut(
        day=result.day,
        products=[ShelfEntryOut.model_validate(e.as_dict()) for e in result.entries],
    )


@router.get("/patients/{patient_id}/shelf", response_model=ShelfOut)
def get_shelf(patient_id: int, actor: ApiActor, uow: UowDep) -> ShelfOut:
    """Each product with today's verdict, the plan (use, use_with_care, not_yet until
    `resume_day` / `resume_date`, pause) and the reasons with their sources."""
    return _out(shelf.get_shelf(uow, actor, patient_id))


@router.post(
    "/patients/{patient_id}/shelf", response_model=ShelfOut, status_code=status.HTTP_201_CREATED
)
def add_to_shelf(patient_id: int, body: ShelfProductIn, actor: ApiActor, uow: UowDep) -> ShelfOut:
    """Add a product; the answer is the whole shelf with the new product judged."""
    shelf.add_product(
        uow,
        actor,
        patient_id,
        shelf.ShelfProductCreate(body.name, body.inci_text, body.brand, body.rinse_off),
    )
    return _out(shelf.get_shelf(uow, actor, patient_id))


@router.post(
    "/patients/{patient_id}/shelf/with-photo",
    response_model=ShelfOut,
    status_code=status.HTTP_201_CREATED,
    responses={413: {"description": "Larger than 25 MB"}, 422: {"description": "Unreadable"}},
    openapi_extra=multipart_body(
        ("name", "inci_text"),
        **{
            name: ShelfProductIn.model_json_schema()["properties"][name]
            for name in ("name", "brand", "inci_text", "rinse_off")
        },
    ),
)
async def add_to_shelf_with_photo(
    patient_id: int, request: Request, actor: ApiActor, uow: UowDep
) -> ShelfOut:
    """multipart/form-data: the fields of `POST .../shelf` (`name`, `brand`, `inci_text`,
    `rinse_off`) and the label photo as `file`, kept with the product in one step (what the
    page's "Save to my products" does after a scan). The fields are checked before the photo
    is decoded; the photo goes through the photo upload's guards and is stored stripped of
    metadata; a refused photo or field adds nothing."""
    form = await read_upload(request)
    try:
        body = ShelfProductIn.model_validate(form.fields)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False)) from None
    if not form.content:
        raise Invalid.field(shelf_photos.FIELD, "choose or take a photo of the label")
    data = shelf.ShelfProductCreate(body.name, body.inci_text, body.brand, body.rinse_off)
    await run_in_threadpool(
        shelf_photos.add_with_photo,
        uow,
        actor,
        patient_id,
        data,
        form.content,
        shelf_photos.FIELD,
    )
    return _out(await run_in_threadpool(shelf.get_shelf, uow, actor, patient_id))


@router.put(
    "/patients/{patient_id}/shelf/{product_id}/photo",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={413: {"description": "Larger than 25 MB"}, 422: {"description": "Unreadable"}},
    openapi_extra=multipart_body(),
)
async def keep_label_photo(
    patient_id: int, product_id: int, request: Request, actor: ApiActor, uow: UowDep
) -> Response:
    """multipart/form-data `file`: keep the product's label photo (JPEG, PNG or HEIC), through
    the photo upload's guards and stripped of metadata; replaces an earlier one."""
    form = await read_upload(request)
    await run_in_threadpool(
        shelf_photos.keep_photo, uow, actor, patient_id, product_id, form.content
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/patients/{patient_id}/shelf/{product_id}/photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 404: {"description": "No photo"}},
)
def label_photo(patient_id: int, product_id: int, actor: ApiActor, uow: UowDep) -> Response:
    """The kept label photo (a clean JPEG); every read is audited."""
    jpeg = shelf_photos.photo_jpeg(uow, actor, patient_id, product_id)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


class CatalogueProductIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    brand: str = Field("", max_length=200)
    barcode: str = Field("", max_length=14, description="EAN/UPC digits; empty when none")
    inci_text: str = Field(min_length=1, max_length=20_000)
    rinse_off: bool = False


class CatalogueProductOut(Loose):
    id: int
    name: str
    brand: str
    barcode: str | None
    inci_text: str
    rinse_off: bool


def _product_out(product: Any) -> CatalogueProductOut:
    return CatalogueProductOut(
        id=product.id,
        name=product.name,
        brand=product.brand,
        barcode=product.barcode,
        inci_text=product.inci_text,
        rinse_off=product.rinse_off,
    )


@router.get(
    "/clinic/catalogue",
    response_model=list[CatalogueProductOut],
    responses={200: {"headers": LINK_HEADER}},
)
def list_catalogue(
    actor: ApiActor,
    uow: UowDep,
    paging: Paged,
) -> list[CatalogueProductOut]:
    """Staff: the clinic's catalogue (a patient's photo of a listed barcode finds it), by
    name, `limit` at a time (`Link: rel="next"` while more follow)."""
    page = catalogue.catalogue_page(uow, actor, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [_product_out(p) for p in page.items]


@router.post(
    "/clinic/catalogue", response_model=CatalogueProductOut, status_code=status.HTTP_201_CREATED
)
def add_to_catalogue(body: CatalogueProductIn, actor: ApiActor, uow: UowDep) -> CatalogueProductOut:
    """Staff: add a product; 409 when its barcode is already listed."""
    data = catalogue.CatalogueProductCreate(
        body.name, body.inci_text, body.brand, body.barcode, body.rinse_off
    )
    return _product_out(catalogue.add_product(uow, actor, data))
