"""A patient's shelf (the products they own or were recommended) and a clinic's catalogue."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, UTCDateTime, utcnow


def shelf_name_key(name: str, brand: str) -> str:
    """One product: its name and brand whatever the case and spacing ("Night  serum" is
    "night serum"), hashed to a fixed length for the unique index."""
    folded = "\n".join(" ".join(part.casefold().split()) for part in (name, brand))
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def _name_key(context: Any) -> str:
    values = context.get_current_parameters()
    return shelf_name_key(values["name"], values.get("brand") or "")


class ShelfProduct(Base):
    """One product on a patient's shelf. The verdict is never stored: it depends on the day
    and on the clinic's protocol in force, so it is worked out whenever the shelf is shown."""

    __tablename__ = "shelf_product"
    # The database's guarantee of one product per name and brand on a shelf: two adds at the
    # same moment both pass the service's check, and the second insert fails here. Rows that
    # already collided when the index came (migration h21_shelf_name_key) kept their place
    # with "#id" after their key.
    __table_args__ = (
        Index("uq_shelf_product_patient_id_name_key", "patient_id", "name_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(200), default="")
    # shelf_name_key(name, brand), set on insert; the shelf has no rename (remove, add again).
    name_key: Mapped[str] = mapped_column(String(96), default=_name_key)
    inci_text: Mapped[str] = mapped_column(Text)
    rinse_off: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShelfPhoto(Base):
    """The label photo kept with a shelf product: only when the patient saves it, re-encoded
    without metadata by the photo upload's guards (`photos.sanitize`). In the database like a
    clinic's logo, so it goes with its product (and with the patient's data) by foreign key."""

    __tablename__ = "shelf_photo"

    product_id: Mapped[int] = mapped_column(ForeignKey("shelf_product.id"), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CatalogueProduct(Base):
    """A product a clinic sells or recommends, found by its barcode on a patient's photo."""

    __tablename__ = "catalogue_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(200), default="")
    barcode: Mapped[str | None] = mapped_column(String(32), index=True)
    inci_text: Mapped[str] = mapped_column(Text)
    rinse_off: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
