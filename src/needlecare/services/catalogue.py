"""A clinic's catalogue: the products it sells or recommends, with barcode and list.

Staff of the clinic list and add products (audited); a patient's label photo with a known
barcode finds the product in their own clinic's catalogue only (`find_by_barcode`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.services import audit
from needlecare.services.errors import Conflict, Invalid, NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import require_staff
from needlecare.storage.models import CatalogueProduct
from needlecare.storage.uow import UnitOfWork

MAX_NAME = 200


@dataclass(frozen=True)
class CatalogueProductCreate:
    name: str
    inci_text: str
    brand: str = ""
    barcode: str = ""
    rinse_off: bool = False


def list_catalogue(uow: UnitOfWork, actor: Principal) -> list[CatalogueProduct]:
    clinic_id = require_staff(actor)
    with uow:
        rows = uow.session.scalars(
            select(CatalogueProduct)
            .where(CatalogueProduct.clinic_id == clinic_id)
            .order_by(CatalogueProduct.name, CatalogueProduct.id)
        ).all()
        uow.session.expunge_all()
        return list(rows)


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
    if barcode and (not barcode.isdigit() or not 8 <= len(barcode) <= 14):
        raise Invalid.field("barcode", "the digits under the barcode (EAN/UPC: 8 to 14 digits)")
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
