"""Photos: serving, a hand-drawn region, and deletion (upload: `services.photo_upload`; the
timeline with its comparisons: `services.photo_timeline`). Everything image-related is done
by the pure domain `needlecare.photos`, decoding under its budget by
`services.photo_decode`. This module only checks who may do what, keeps the files and the
rows in step, and writes the audit entries.

Files are written before the commit and removed again if the transaction fails; files of
deleted rows go after the commit, and only when no other row still refers to them (the
same content uploaded for two patients is stored once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from needlecare.services import audit
from needlecare.services.errors import NotFound
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.photo_decode import Roi, measure
from needlecare.services.photo_files import (
    FileBatch,
    PhotoFiles,
    overlay_name,
)
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.storage.models import Patient, Photo
from needlecare.storage.uow import UnitOfWork

FileKind = Literal["image", "thumbnail", "overlay"]
MEDIA_TYPES: dict[FileKind, str] = {
    "image": "image/jpeg",
    "thumbnail": "image/jpeg",
    "overlay": "image/png",
}


@dataclass(frozen=True)
class PhotoFile:
    path: Path
    media_type: str
    filename: str


# --- helpers ---------------------------------------------------------------------------


def photo_for(
    session: Session, actor: Principal, photo_id: int, patient_id: int | None = None
) -> tuple[Photo, Patient]:
    """The photo if `actor` may see its patient, else NotFound (no existence leak)."""
    photo = session.get(Photo, photo_id)
    if photo is None or (patient_id is not None and photo.patient_id != patient_id):
        raise NotFound("photo")
    try:
        patient = patient_for(session, actor, photo.patient_id)
    except NotFound:
        raise NotFound("photo") from None
    return photo, patient


def record_photo(
    session: Session, actor: Principal, action: str, photo: Photo, patient: Patient
) -> None:
    audit.record(
        session,
        actor,
        action,
        "photo",
        photo.id,
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
    )


def _paths(photo: Photo) -> set[str]:
    return {photo.image_path, photo.thumb_path, photo.overlay_path}


def _still_used(session: Session, paths: set[str]) -> set[str]:
    """Which of `paths` some photo row (in this transaction's view) still refers to."""
    if not paths:
        return set()
    rows = session.execute(
        select(Photo.image_path, Photo.thumb_path, Photo.overlay_path).where(
            or_(
                Photo.image_path.in_(paths),
                Photo.thumb_path.in_(paths),
                Photo.overlay_path.in_(paths),
            )
        )
    )
    return {path for row in rows for path in row} & paths


# --- reading ---------------------------------------------------------------------------


def photo_page(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Photo]:
    """A patient's photos, oldest first, `limit` at a time after `after`."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        page = keyset_page(
            uow.session,
            select(Photo).where(Photo.patient_id == patient.id),
            (Photo.taken_at, Photo.id),
            after=after,
            limit=limit,
        )
        audit.record_for_patient(uow.session, actor, "photo.list", "patient", patient.id, patient)
        uow.commit()
        return page


def get_photo(
    uow: UnitOfWork, actor: Principal, photo_id: int, *, patient_id: int | None = None
) -> Photo:
    with uow:
        photo, patient = photo_for(uow.session, actor, photo_id, patient_id)
        record_photo(uow.session, actor, "photo.read", photo, patient)
        uow.commit()
        return photo


def photo_file(
    uow: UnitOfWork,
    actor: Principal,
    photo_id: int,
    kind: FileKind,
    *,
    files: PhotoFiles,
    patient_id: int | None = None,
) -> PhotoFile:
    """The stored file to send; every read is audited."""
    with uow:
        photo, patient = photo_for(uow.session, actor, photo_id, patient_id)
        relative = {
            "image": photo.image_path,
            "thumbnail": photo.thumb_path,
            "overlay": photo.overlay_path,
        }[kind]
        path = files.path(relative)
        if not path.is_file():
            raise NotFound("photo file")
        record_photo(uow.session, actor, f"photo.{kind}.read", photo, patient)
        uow.commit()
    extension = "png" if kind == "overlay" else "jpg"
    return PhotoFile(path, MEDIA_TYPES[kind], f"photo-{photo_id}-{kind}.{extension}")


# --- changing --------------------------------------------------------------------------


def set_roi(
    uow: UnitOfWork,
    actor: Principal,
    photo_id: int,
    roi: Roi | None,
    *,
    files: PhotoFiles,
    patient_id: int | None = None,
) -> Photo:
    """Measure the photo again inside a hand-drawn box (x, y, w, h in the photo's pixels),
    or automatically again with `roi=None`; the report and the overlay are replaced."""
    with uow.reading():
        photo, _ = photo_for(uow.session, actor, photo_id, patient_id)
        image_path = files.path(photo.image_path)
    try:
        image = image_path.read_bytes()
    except FileNotFoundError:
        raise NotFound("photo file") from None
    measurement = measure(image, roi)
    batch = FileBatch(files)
    try:
        with uow:
            session = uow.session
            photo, patient = photo_for(session, actor, photo_id, patient_id)
            old_overlay = photo.overlay_path
            photo.overlay_path = overlay_name(photo.sha256, roi)
            batch.write(photo.overlay_path, measurement.overlay_png())
            photo.analysis = measurement.report
            photo.roi = None if roi is None else list(roi)
            record_photo(session, actor, "photo.roi", photo, patient)
            session.flush()
            unused = {old_overlay} - _still_used(session, {old_overlay})
            uow.commit()
    except BaseException:
        batch.discard()
        raise
    files.remove(unused)
    return photo


def delete_photo(
    uow: UnitOfWork,
    actor: Principal,
    photo_id: int,
    *,
    files: PhotoFiles,
    patient_id: int | None = None,
) -> int:
    """Delete a photo (the patient, or their clinic's staff): the row, then its files once
    the deletion is committed. Returns the number of files removed."""
    with uow:
        session = uow.session
        photo, patient = photo_for(session, actor, photo_id, patient_id)
        paths = _paths(photo)
        record_photo(session, actor, "photo.delete", photo, patient)
        session.delete(photo)
        session.flush()
        unused = paths - _still_used(session, paths)
        uow.commit()
    return files.remove(unused)


def delete_patient_photos(uow: UnitOfWork, patient_id: int, *, data_dir: Path | None) -> int:
    """For a patient's data deletion, inside the caller's open unit of work (no scope check,
    no commit): delete the patient's photo rows now and their files once the caller's
    transaction commits (nothing happens to the files if it rolls back). Returns the number
    of files that go; files other patients' rows still use are kept."""
    session = uow.session
    rows = session.scalars(select(Photo).where(Photo.patient_id == patient_id)).all()
    paths = {path for photo in rows for path in _paths(photo)}
    for photo in rows:
        session.delete(photo)
    session.flush()
    unused = paths - _still_used(session, paths)
    if data_dir is None or not unused:
        return 0
    store = PhotoFiles(data_dir)

    def remove_files(_session: Session) -> None:
        store.remove(unused)

    event.listen(session, "after_commit", remove_files, once=True)
    return len(unused)
