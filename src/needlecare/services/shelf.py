"""A patient's shelf ("my products") and the routine it gives for today.

Each product's verdict is worked out when the shelf is read (the day since the latest
treatment, the treatment's depth band, the clinic's protocol in force), never stored. The
plan per product: use, use with care, not yet (until day N, with the date), or pause (no
day given: ask the clinic). The patient and their clinic's staff see and change it; every
read and write is audited; another clinic gets 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from needlecare.i18n import N_, Text
from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.knowledge.bands import depth_band
from needlecare.photos import SanitizedPhoto
from needlecare.services import audit, clock, protocols, schedule_wake
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.services.treatment_in_force import treatment_in_force
from needlecare.storage.models import Patient, ShelfPhoto, ShelfProduct, Treatment
from needlecare.storage.models.shelf import shelf_name_key
from needlecare.storage.uow import UnitOfWork

MAX_NAME = 200
MAX_LABEL_CHARS = 20_000
MAX_PRODUCTS = 200  # a shelf, not a shop
NOT_A_LIST = N_(
    "This does not read as an ingredient list. Paste, type or scan the list from the label."
)
PLAN_FOR_STATUS = {"recommended": "use", "ok": "use", "caution": "use_with_care"}


@dataclass(frozen=True)
class ShelfProductCreate:
    name: str
    inci_text: str
    brand: str = ""
    rinse_off: bool = False


@dataclass(frozen=True)
class ShelfEntry:
    id: int
    name: str
    brand: str
    inci_text: str
    rinse_off: bool
    status: str  # today's verdict: recommended | ok | caution | avoid
    plan: str  # use | use_with_care | not_yet | pause
    resume_day: int | None
    resume_date: date | None  # the morning it may come back (with a treatment date)
    reasons: list[dict[str, Any]]  # the checker's reasons, each with its source
    has_photo: bool = False  # a label photo kept with it (services.shelf_photos)

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["resume_date"] = self.resume_date.isoformat() if self.resume_date else None
        return data


@dataclass(frozen=True)
class Shelf:
    day: int | None  # since the latest treatment; None without one (judged as day 0)
    entries: list[ShelfEntry]


def validate(data: ShelfProductCreate) -> ShelfProductCreate:
    """The product as it will be stored (trimmed), or Invalid naming the field."""
    name, brand, text = data.name.strip(), data.brand.strip(), data.inci_text.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid.field(
            "name", Text("Give the product a name (at most {count} characters).", count=MAX_NAME)
        )
    if len(brand) > MAX_NAME:
        raise Invalid.field("brand", Text("Write at most {count} characters.", count=MAX_NAME))
    if not text or len(text) > MAX_LABEL_CHARS:
        raise Invalid.field("inci_text", N_("Paste, type or scan the ingredient list."))
    try:
        check_label(text)  # refuse now what could never be judged later
    except NotAnIngredientList:
        raise Invalid.field("inci_text", NOT_A_LIST) from None
    return ShelfProductCreate(name, text, brand, data.rinse_off)


def add_product(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    data: ShelfProductCreate,
    label_photo: SanitizedPhoto | None = None,
) -> ShelfProduct:
    """Add a product; with `label_photo` (already through the upload's guards:
    `services.shelf_photos.add_with_photo`) the photo is kept with it in the same
    transaction."""
    checked = validate(data)
    name, brand, text = checked.name, checked.brand, checked.inci_text
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        keys = uow.session.scalars(
            select(ShelfProduct.name_key).where(ShelfProduct.patient_id == patient.id)
        ).all()
        if len(keys) >= MAX_PRODUCTS:
            raise Invalid.field(
                "name", Text("A shelf holds at most {count} products.", count=MAX_PRODUCTS)
            )
        if shelf_name_key(name, brand) in keys:
            raise _already_on_shelf(name)
        product = ShelfProduct(
            patient_id=patient.id,
            name=name,
            brand=brand,
            inci_text=text,
            rinse_off=data.rinse_off,
            added_by_id=actor.user_id,
        )
        uow.session.add(product)
        try:
            uow.session.flush()
        except IntegrityError as error:
            # The same product added a moment ago, after the check above: the unique index
            # refuses it, with the same words (the unit of work rolls back; nothing is kept).
            if "name_key" not in str(error.orig):
                raise
            raise _already_on_shelf(name) from None
        schedule_wake.wake_patient(uow.session, patient.id)  # a product may come back
        audit.record_for_patient(
            uow.session, actor, "shelf.add", "shelf_product", product.id, patient
        )
        if label_photo is not None:
            uow.session.add(
                ShelfPhoto(product_id=product.id, jpeg=label_photo.image, sha256=label_photo.sha256)
            )
            uow.session.flush()
            audit.record_for_patient(
                uow.session, actor, "shelf.photo.keep", "shelf_product", product.id, patient
            )
        uow.commit()
        return product


def _already_on_shelf(name: str) -> Invalid:
    """Twice on the shelf would be two plans for one jar: refused, saying how to change the
    one there (remove it, then add it with its new list)."""
    return Invalid.field(
        "name",
        Text(
            "You already have {name} on your shelf. To change its ingredient list, "
            "remove it first, then add it again.",
            name=name,
        ),
    )


def shelve_recommendation(
    session: Session, actor: Principal, patient: Patient, name: str, inci_text: str
) -> ShelfProduct | None:
    """Put a clinic's recommendation on the patient's shelf, in the caller's transaction.
    Only a recommendation with a readable ingredient list: without one there is no verdict.
    A product already on the shelf under that name (no brand) stays as it is: None."""
    try:
        check_label(inci_text)
    except (NotAnIngredientList, ValueError):
        return None
    key = shelf_name_key(name, "")
    taken = select(ShelfProduct.id).where(
        ShelfProduct.patient_id == patient.id, ShelfProduct.name_key == key
    )
    if session.scalar(taken) is not None:
        return None
    product = ShelfProduct(
        patient_id=patient.id, name=name, brand="", inci_text=inci_text, added_by_id=actor.user_id
    )
    try:
        with session.begin_nested():  # the patient added it a moment ago: the note still saves
            session.add(product)
    except IntegrityError as error:
        if "name_key" not in str(error.orig):
            raise
        return None
    schedule_wake.wake_patient(session, patient.id)
    audit.record_for_patient(session, actor, "shelf.add", "shelf_product", product.id, patient)
    return product


def remove_product(uow: UnitOfWork, actor: Principal, patient_id: int, product_id: int) -> bool:
    """Remove one product; False when it is not (or no longer) on this patient's shelf."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        product = uow.session.get(ShelfProduct, product_id)
        if product is None or product.patient_id != patient.id:
            return False
        photo = uow.session.get(ShelfPhoto, product_id)
        if photo is not None:  # the label photo goes with its product
            uow.session.delete(photo)
            uow.session.flush()
        uow.session.delete(product)
        audit.record_for_patient(
            uow.session, actor, "shelf.remove", "shelf_product", product_id, patient
        )
        uow.commit()
        return True


def get_shelf(
    uow: UnitOfWork, actor: Principal, patient_id: int, today: date | None = None
) -> Shelf:
    """Every product with today's verdict and plan, soonest to come back first."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        rows = shelf_rows(uow.session, patient, today)
        audit.record_for_patient(uow.session, actor, "shelf.read", "patient", patient.id, patient)
        uow.commit()
    return shelf_of(rows)


@dataclass(frozen=True)
class ShelfRows:
    """What a shelf is computed from, read inside a transaction (`shelf_rows`); the verdicts
    are computed after it (`shelf_of`), so no lock is held while the labels are checked."""

    products: Sequence[ShelfProduct]
    treatment: Treatment | None
    today: date
    windows: Any
    with_photo: set[int]


def shelf_rows(session: Session, patient: Patient, today: date | None = None) -> ShelfRows:
    """The shelf's rows inside the caller's transaction (the caller scopes and audits)."""
    products = session.scalars(
        select(ShelfProduct)
        .where(ShelfProduct.patient_id == patient.id)
        .order_by(ShelfProduct.created_at, ShelfProduct.id)
    ).all()
    treatment = treatment_in_force(session, patient.id)
    today = today or clock.patient_today(session, patient.id, patient.clinic_id)
    windows = protocols.in_force(session, patient.clinic_id).windows
    with_photo = set(
        session.scalars(
            select(ShelfPhoto.product_id).where(ShelfPhoto.product_id.in_([p.id for p in products]))
        )
    )
    return ShelfRows(products, treatment, today, windows, with_photo)


def shelf_of(rows: ShelfRows) -> Shelf:
    """Every product with today's verdict and plan (pure)."""
    products, treatment, today, windows = rows.products, rows.treatment, rows.today, rows.windows
    with_photo = rows.with_photo
    day = max(0, (today - treatment.treatment_date).days) if treatment else None
    band = depth_band(treatment.depth_mm, treatment.device.value) if treatment else None
    entries = []
    for product in products:
        result = check_label(
            product.inci_text, day=day or 0, band=band, rinse_off=product.rinse_off, windows=windows
        )
        verdict = result["verdict"]
        resume_day = verdict["resume_day"]
        if verdict["status"] == "avoid":
            plan = "not_yet" if resume_day is not None and resume_day > (day or 0) else "pause"
        else:
            plan = PLAN_FOR_STATUS[verdict["status"]]
        resume_date = (
            treatment.treatment_date + timedelta(days=resume_day)
            if treatment is not None and resume_day is not None and plan == "not_yet"
            else None
        )
        entries.append(
            ShelfEntry(
                id=product.id,
                name=product.name,
                brand=product.brand,
                inci_text=product.inci_text,
                rinse_off=product.rinse_off,
                status=verdict["status"],
                plan=plan,
                resume_day=resume_day,
                resume_date=resume_date,
                reasons=[r for r in verdict["reasons"] if r["status"] in ("avoid", "caution")],
                has_photo=product.id in with_photo,
            )
        )
    return Shelf(day, entries)


def returning_on(session: Session, patient: Patient, treatment: Treatment, day: int) -> list[str]:
    """Names of the patient's shelf products whose verdict stops being "avoid" on `day`
    after `treatment` (for the morning email; inside the caller's transaction)."""
    products = session.scalars(
        select(ShelfProduct)
        .where(ShelfProduct.patient_id == patient.id)
        .order_by(ShelfProduct.created_at, ShelfProduct.id)
    ).all()
    if not products:
        return []
    band = depth_band(treatment.depth_mm, treatment.device.value)
    windows = protocols.in_force(session, patient.clinic_id).windows
    names = []
    for product in products:
        verdict = check_label(
            product.inci_text, day=0, band=band, rinse_off=product.rinse_off, windows=windows
        )["verdict"]
        if verdict["status"] == "avoid" and verdict["resume_day"] == day:
            names.append(product.name)
    return names
