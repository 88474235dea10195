"""Adding a photo: sanitised, measured and stored by content, within the per-check-in and
per-day limits. The pure domain `needlecare.photos` does the image work, decoding under its
budget in `services.photo_decode`; reading, a hand-drawn region and deletion are
`services.photos`.

Files are written before the commit and removed again if the transaction fails (the same
content uploaded twice for one patient is stored once).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from needlecare import photos as domain
from needlecare.services import clock
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.photo_decode import measure, sanitize_upload
from needlecare.services.photo_files import (
    FileBatch,
    PhotoFiles,
    image_name,
    overlay_name,
    thumb_name,
)
from needlecare.services.photos import photo_for, record_photo
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, treatment_for
from needlecare.services.treatment_in_force import treatment_in_force
from needlecare.storage.base import utcnow
from needlecare.storage.models import Checkin, Patient, Photo, Treatment
from needlecare.storage.uow import UnitOfWork

MAX_PHOTOS_PER_CHECKIN = 6
"""A few angles of the treated area; more is a mistake or a script."""
MAX_PHOTOS_PER_DAY = 20
"""Per patient and local day (their zone), over all check-ins: bounds storage and work."""
MAX_AREA_CHARS = 40
_AREA = re.compile(r"^[a-z0-9][a-z0-9 '\-]*$")


@dataclass(frozen=True)
class PhotoUpload:
    content: bytes
    checkin_id: int | None = None
    treatment_id: int | None = None  # default: the check-in's, else the latest treatment
    area: str | None = None  # default: the treatment's first area


@dataclass(frozen=True)
class UploadOutcome:
    photo: Photo
    created: bool  # False: the same content was already stored for this patient


def _existing(session: Session, patient_id: int, sha256: str) -> Photo | None:
    return session.scalar(
        select(Photo).where(Photo.patient_id == patient_id, Photo.sha256 == sha256)
    )


def _area(value: str | None, treatment: Treatment) -> str:
    area = " ".join((value or "").split()).lower()
    if not area:
        return str(treatment.areas[0]) if treatment.areas else "face"
    if len(area) > MAX_AREA_CHARS or not _AREA.match(area):
        raise Invalid.field(
            "area", f"name the area in 1 to {MAX_AREA_CHARS} letters, e.g. face or left cheek"
        )
    return area


def _placement(
    session: Session, actor: Principal, patient: Patient, data: PhotoUpload, now: datetime
) -> tuple[Treatment, Checkin | None, int]:
    """Which treatment and check-in the photo belongs to, and its day after treatment."""
    if data.checkin_id is not None:
        checkin = session.get(Checkin, data.checkin_id)
        if checkin is None or checkin.patient_id != patient.id:
            raise NotFound("check-in")
        if data.treatment_id is not None and data.treatment_id != checkin.treatment_id:
            raise Invalid.field("treatment_id", "the check-in belongs to another treatment")
        treatment = session.get(Treatment, checkin.treatment_id)
        assert treatment is not None  # foreign key
        return treatment, checkin, checkin.day
    if data.treatment_id is not None:
        treatment = treatment_for(session, actor, patient.id, data.treatment_id)
    else:
        latest = treatment_in_force(session, patient.id)
        if latest is None:
            raise Invalid.field("treatment_id", "record the treatment first")
        treatment = latest
    day = (
        clock.patient_today(session, patient.id, patient.clinic_id, now) - treatment.treatment_date
    ).days
    if day < 0:
        raise Invalid.field("treatment_id", "this treatment is dated after today")
    return treatment, None, day


def _check_limits(
    session: Session, patient: Patient, checkin_id: int | None, now: datetime
) -> None:
    if checkin_id is not None:
        on_checkin = session.scalar(
            select(func.count()).select_from(Photo).where(Photo.checkin_id == checkin_id)
        )
        if (on_checkin or 0) >= MAX_PHOTOS_PER_CHECKIN:
            raise Invalid.field(
                "file",
                f"a check-in holds at most {MAX_PHOTOS_PER_CHECKIN} photos; "
                "delete one to add another",
            )
    # The patient's day, so that "try again tomorrow" means their tomorrow.
    zones = clock.patient_zones(session, patient.id, patient.clinic_id)
    zone = clock.zone_of(*zones)
    day_start = datetime.combine(clock.local_today(now, *zones), time.min, tzinfo=zone)
    today = session.scalar(
        select(func.count())
        .select_from(Photo)
        .where(Photo.patient_id == patient.id, Photo.uploaded_at >= day_start.astimezone(UTC))
    )
    if (today or 0) >= MAX_PHOTOS_PER_DAY:
        raise Invalid.field(
            "file", f"at most {MAX_PHOTOS_PER_DAY} photos a day can be added; try again tomorrow"
        )


def check_upload_allowed(uow: UnitOfWork, actor: Principal, patient_id: int) -> None:
    """NotFound unless `actor` may add photos for the patient: called before the body of
    an upload is read, so a stranger's upload is refused without receiving it."""
    with uow.reading():
        patient_for(uow.session, actor, patient_id)


def upload_photo(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    data: PhotoUpload,
    *,
    files: PhotoFiles,
    now: datetime | None = None,
) -> UploadOutcome:
    """Sanitise, measure and store a photo for a patient (the patient, or their clinic's
    staff). The same content twice for one patient is stored once (the first row returns)."""
    now = now or utcnow()
    upload_digest = hashlib.sha256(data.content).hexdigest()
    with uow.reading():  # refuse strangers, bad placements and full days before the work
        patient = patient_for(uow.session, actor, patient_id)
        _, checkin, _ = _placement(uow.session, actor, patient, data, now)
        # The same bytes again (a double tap, a retry, an attacker's loop): answered from
        # the stored row without decoding anything.
        repeat = uow.session.scalar(
            select(Photo.id).where(
                Photo.patient_id == patient.id, Photo.upload_sha256 == upload_digest
            )
        )
        if repeat is None:
            _check_limits(uow.session, patient, checkin.id if checkin else None, now)
    if repeat is not None:
        return _replay(uow, actor, repeat)
    clean = sanitize_upload(data.content)
    measurement: domain.PhotoMeasurement | None = None
    with uow.reading():
        already = _existing(uow.session, patient_id, clean.sha256) is not None
    if not already:
        # Outside the write transaction: analysis takes a few hundred ms and must not hold
        # the database's write lock.
        measurement = measure(clean.image)
    batch = FileBatch(files)
    try:
        return _store(uow, actor, patient_id, data, clean, measurement, batch, now, upload_digest)
    except BaseException:
        batch.discard()
        raise


def _replay(uow: UnitOfWork, actor: Principal, photo_id: int) -> UploadOutcome:
    with uow:
        photo, patient = photo_for(uow.session, actor, photo_id)
        record_photo(uow.session, actor, "photo.replay", photo, patient)
        uow.commit()
        return UploadOutcome(photo, False)


def _store(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    data: PhotoUpload,
    clean: domain.SanitizedPhoto,
    measurement: domain.PhotoMeasurement | None,
    batch: FileBatch,
    now: datetime,
    upload_digest: str,
) -> UploadOutcome:
    with uow:
        session = uow.session
        patient = patient_for(session, actor, patient_id)
        previous = _existing(session, patient.id, clean.sha256)
        if previous is not None:
            record_photo(session, actor, "photo.replay", previous, patient)
            uow.commit()
            return UploadOutcome(previous, False)
        treatment, checkin, day = _placement(session, actor, patient, data, now)
        _check_limits(session, patient, checkin.id if checkin else None, now)
        area = _area(data.area, treatment)
        measurement = measurement or measure(clean.image)
        photo = Photo(
            patient_id=patient.id,
            treatment_id=treatment.id,
            checkin_id=checkin.id if checkin else None,
            area=area,
            day=day,
            sha256=clean.sha256,
            upload_sha256=upload_digest,
            image_path=image_name(clean.sha256),
            thumb_path=thumb_name(clean.sha256),
            overlay_path=overlay_name(clean.sha256, None),
            width=clean.width,
            height=clean.height,
            taken_at=now,
            uploaded_at=now,
            uploaded_by=actor.user_id,
            analysis=measurement.report,
            roi=None,
        )
        # Files first: once the row is committed its files must already be complete.
        batch.write(photo.image_path, clean.image)
        batch.write(photo.thumb_path, clean.thumbnail)
        batch.write(photo.overlay_path, measurement.overlay_png())
        session.add(photo)
        try:
            session.flush()
        except IntegrityError:
            # A concurrent upload of the same content won: answer with its row. Our files
            # are byte-identical to the winner's, so they stay.
            session.rollback()
            batch.created.clear()
            winner = _existing(session, patient.id, clean.sha256)
            if winner is None:
                raise
            return UploadOutcome(winner, False)
        record_photo(session, actor, "photo.create", photo, patient)
        uow.commit()
        return UploadOutcome(photo, True)
