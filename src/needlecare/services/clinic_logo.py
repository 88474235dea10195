"""A clinic's logo: uploaded by an admin through the same hostile-image guards as photos (an
isolated, budgeted decode; photos.logo re-encodes a clean PNG), read by the clinic's staff
and patients (pages), the aftercare sheet and emails."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from needlecare.photos.errors import PhotoRejected, RejectReason
from needlecare.photos.logo import Logo, make_logo
from needlecare.services import audit, budget
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.photo_decode import MAX_UPLOAD_BYTES
from needlecare.services.principal import Principal
from needlecare.services.scope import require_admin
from needlecare.storage.base import utcnow
from needlecare.storage.models import Clinic, ClinicLogo
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class LogoFile:
    png: bytes
    sha256: str


def _clean(content: bytes) -> Logo:
    if not content:
        raise Invalid.field("logo", "choose an image file (PNG, JPEG or HEIC)")
    if len(content) > MAX_UPLOAD_BYTES:
        raise Invalid.field("logo", f"the file is larger than {MAX_UPLOAD_BYTES >> 20} MB")
    try:
        with budget.expensive("decode"):
            logo: Logo = budget.run_isolated(make_logo, content)
            return logo
    except budget.TooCostly:
        raise Invalid.field("logo", "the image needs too much time or memory to read") from None
    except PhotoRejected as rejected:
        if rejected.reason is RejectReason.TOO_LARGE:
            raise Invalid.field("logo", "the image is too large") from None
        raise Invalid.field("logo", rejected.message) from None


def set_logo(uow: UnitOfWork, actor: Principal, content: bytes) -> str:
    """Admins: store the clinic's new logo (a clean PNG); its SHA-256."""
    clinic_id = require_admin(actor)
    logo = _clean(content)  # before the unit: decoding holds no transaction
    with uow:
        clinic = uow.session.get(Clinic, clinic_id)
        if clinic is None:
            raise NotFound("clinic")
        row = uow.session.get(ClinicLogo, clinic_id) or ClinicLogo(clinic_id=clinic_id)
        row.png, row.width, row.height, row.updated_at = (
            logo.png, logo.width, logo.height, utcnow(),
        )  # fmt: skip
        uow.session.add(row)
        clinic.logo_sha256 = logo.sha256
        audit.record(uow.session, actor, "clinic.logo", "clinic", clinic_id, clinic_id=clinic_id)
        uow.commit()
    return logo.sha256


def remove_logo(uow: UnitOfWork, actor: Principal) -> None:
    clinic_id = require_admin(actor)
    with uow:
        row = uow.session.get(ClinicLogo, clinic_id)
        if row is not None:
            uow.session.delete(row)
        clinic = uow.session.get(Clinic, clinic_id)
        if clinic is not None:
            clinic.logo_sha256 = None
        audit.record(
            uow.session, actor, "clinic.logo.remove", "clinic", clinic_id, clinic_id=clinic_id
        )
        uow.commit()


def logo_in(session: Session, clinic_id: int | None) -> LogoFile | None:
    """A clinic's logo, or None (no clinic or no logo), in the caller's transaction."""
    if clinic_id is None:
        return None
    row = session.get(ClinicLogo, clinic_id)
    clinic = session.get(Clinic, clinic_id)
    if row is None or clinic is None or clinic.logo_sha256 is None:
        return None
    return LogoFile(row.png, clinic.logo_sha256)


def logo_of(uow: UnitOfWork, clinic_id: int | None) -> LogoFile | None:
    if clinic_id is None:
        return None
    with uow.reading():
        return logo_in(uow.session, clinic_id)


def my_logo(uow: UnitOfWork, actor: Principal) -> LogoFile:
    """The logo of the viewer's own clinic (staff or a clinic's patient); NotFound if none."""
    found = logo_of(uow, actor.clinic_id)
    if found is None:
        raise NotFound("logo")
    return found
