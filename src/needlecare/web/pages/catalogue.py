"""Clinic page: the catalogue (products the clinic sells or recommends, with barcode and list).

Staff list and add products here (the same service as `POST /api/v1/clinic/catalogue`,
audited); a patient's label photo with a listed barcode gives the catalogue's list, and a
recommendation on the patient page picks from it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from needlecare.i18n import N_
from needlecare.i18n_text import Text
from needlecare.services import catalogue
from needlecare.services.errors import Conflict, Invalid
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep
from needlecare.web.pages.deps import CsrfChecked, StaffViewer
from needlecare.web.pages.forms import FormBody, inline_errors, sentence, text
from needlecare.web.pages.rendering import PageRoute, add_nav_item, flash, render
from needlecare.web.paging import Cursor, next_path, position

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)
add_nav_item("staff", "/clinic/catalogue", N_("Catalogue"), "flask")

CATALOGUE_PAGE = 100  # products per page, by name; "More products" goes on
_EMPTY = {"name": "", "brand": "", "barcode": "", "ingredients": "", "rinse_off": ""}


def _row(product: Any) -> dict[str, Any]:
    return {
        "name": product.name,
        "brand": product.brand,
        "barcode": product.barcode,
        "inci_text": product.inci_text,
        "rinse_off": product.rinse_off,
        "day0": catalogue.day0_status(product),
    }


def _page(
    request: Request,
    viewer: Principal,
    uow: UnitOfWork,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    cursor: str | None = None,
) -> Response:
    page = catalogue.catalogue_page(
        uow, viewer, after=position(request, cursor), limit=CATALOGUE_PAGE
    )
    context = {
        "title": "Catalogue",
        "products": [_row(p) for p in page.items],
        "more_url": next_path(request, page.after),
        "continued": cursor is not None,
        "form": form,
        "errors": errors,
    }
    return render(request, "clinic/catalogue.html", context, viewer=viewer, status_code=status_code)


@router.get("/catalogue")
def catalogue_page(
    request: Request, viewer: StaffViewer, uow: UowDep, cursor: Cursor = None
) -> Response:
    return _page(request, viewer, uow, dict(_EMPTY), {}, cursor=cursor)


@router.post("/catalogue", dependencies=[CsrfChecked])
def add_product(request: Request, form: FormBody, viewer: StaffViewer, uow: UowDep) -> Response:
    values = {
        "name": text(form, "name", 201),  # one over: the service says it is too long
        "brand": text(form, "brand", 201),
        "barcode": text(form, "barcode", 40).replace(" ", ""),
        "ingredients": text(form, "ingredients"),
        "rinse_off": "yes" if text(form, "rinse_off", 3) == "yes" else "",
    }
    data = catalogue.CatalogueProductCreate(
        values["name"],
        values["ingredients"],
        values["brand"],
        values["barcode"],
        values["rinse_off"] == "yes",
    )
    try:
        catalogue.add_product(uow, viewer, data)
    except Invalid as error:
        errors = inline_errors(error, lambda f: {"inci_text": "ingredients"}.get(f, f))
        return _page(request, viewer, uow, values, errors, 422)
    except Conflict as error:
        # Said as a sentence like the page's other errors (the service's words start small).
        return _page(request, viewer, uow, values, {"barcode": sentence(error.message)}, 409)
    flash(request, Text("{name} is in the catalogue.", name=values["name"]))
    return RedirectResponse("/clinic/catalogue", status_code=303)
