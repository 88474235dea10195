"""A clinic's catalogue: the products it sells or recommends, with barcode and list.

Staff of the clinic list and add products (audited); a patient's label photo with a known
barcode finds the product in their own clinic's catalogue only (`find_by_barcode`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.services import audit
from needlecare.services.errors import Conflict, Invalid, NotFound
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import require_staff
from needlecare.storage.models import CatalogueProduct
from needlecare.storage.uow import UnitOfWork

MAX_NAME = 200
GTIN_LENGTHS = (8, 12, 13, 14)  # EAN-8, UPC-A, EAN-13, GTIN-14


def gtin_check_digit_ok(digits: str) -> bool:
    """GS1 check digit: from the right, excluding the check digit, weights 3, 1, 3, ... A typo
    in one digit (or two swapped neighbours, mostly) fails, so a mistyped barcode never finds
    another product."""
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


@dataclass(frozen=True)
class CatalogueProductCreate:
    name: str
    inci_text: str
    brand: str = ""
    barcode: str = ""
    rinse_off: bool = False


def catalogue_page(
    uow: UnitOfWork,
    actor: Principal,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[CatalogueProduct]:
    """The clinic's catalogue by name, `limit` products at a time after `after` (staff)."""
    clinic_id = require_staff(actor)
    with uow.reading():
        page = keyset_page(
            uow.session,
            select(CatalogueProduct).where(CatalogueProduct.clinic_id == clinic_id),
            (CatalogueProduct.name, CatalogueProduct.id),
            after=after,
            limit=limit,
        )
        uow.session.expunge_all()
        return page


def add_product(
    uow: UnitOfWork, actor: Principal, data: CatalogueProductCreate
) -> CatalogueProduct:
    clinic_id = require_staff(actor)
    name, brand, text = data.name.strip(), data.brand.strip(), data.inci_text.strip()
    barcode = data.barcode.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid.field("name", f"give the product a name (at most {MAX_NAME} characters)")
    if len(brand) > MAX_NAME:
        raise Invalid.field("brand", f"at most {MAX_NAME} characters")
    if barcode and (not barcode.isdigit() or len(barcode) not in GTIN_LENGTHS):
        raise Invalid.field(
            "barcode", "the digits under the barcode: 8, 12, 13 or 14 digits (EAN, UPC, GTIN)"
        )
    if barcode and not gtin_check_digit_ok(barcode):
        raise Invalid.field(
            "barcode", "these digits are not a valid barcode (the last digit does not match)"
        )
    try:
        check_label(text)
    except (NotAnIngredientList, ValueError) as error:
        raise Invalid.field("inci_text", str(error) or "paste the ingredient list") from None
    with uow:
        if barcode and find_by_barcode(uow.session, clinic_id, barcode) is not None:
            raise Conflict("a product with this barcode is already in the catalogue")
        product = CatalogueProduct(
            clinic_id=clinic_id,
            name=name,
            brand=brand,
            barcode=barcode or None,
            inci_text=text,
            rinse_off=data.rinse_off,
        )
        uow.session.add(product)
        uow.session.flush()
        audit.record(
            uow.session,
            actor,
            "catalogue.add",
            "catalogue_product",
            product.id,
            clinic_id=clinic_id,
        )
        uow.commit()
        uow.session.expunge(product)
        return product


def day0_status(product: CatalogueProduct) -> str | None:
    """The checker's verdict on the day of treatment (default windows), for the staff list;
    None for a list that cannot be read (lists are checked when added)."""
    try:
        status: str = check_label(product.inci_text, rinse_off=product.rinse_off)["verdict"][
            "status"
        ]
    except (NotAnIngredientList, ValueError):
        return None
    return status


def find_by_barcode(session: Session, clinic_id: int, barcode: str) -> CatalogueProduct | None:
    return session.scalar(
        select(CatalogueProduct)
        .where(CatalogueProduct.clinic_id == clinic_id, CatalogueProduct.barcode == barcode)
        .limit(1)
    )


def get_product(uow: UnitOfWork, actor: Principal, product_id: int) -> CatalogueProduct:
    """One product of the actor's own clinic's catalogue; NotFound for any other."""
    clinic_id = require_staff(actor)
    with uow:
        product = uow.session.get(CatalogueProduct, product_id)
        if product is None or product.clinic_id != clinic_id:
            raise NotFound("catalogue product")
        uow.session.expunge(product)
        return product
