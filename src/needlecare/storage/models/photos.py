"""Skin photos: one row per sanitised image a patient or their clinic uploaded (issue 6).

The files live under the data directory, named by the SHA-256 of the clean JPEG
(`photos/<2 hex>/<sha256>.jpg`); the row keeps their relative paths, the measurement report
of `needlecare.photos.analyze` and the hand-drawn region it was measured in, if any.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, JSONDocument, UTCDateTime, utcnow


class Photo(Base):
    __tablename__ = "photo"
    __table_args__ = (
        # Identical content is stored once per patient (a double tap, a re-upload).
        UniqueConstraint("patient_id", "sha256"),
        Index("ix_photo_patient_id_taken_at", "patient_id", "taken_at"),
        Index("ix_photo_patient_id_upload_sha256", "patient_id", "upload_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkin.id"), index=True)
    area: Mapped[str] = mapped_column(String(40))
    day: Mapped[int]  # days after the treatment when it was taken
    sha256: Mapped[str] = mapped_column(String(64))
    # Of the bytes as uploaded (before decoding): a repeat is found without decoding it again.
    upload_sha256: Mapped[str | None] = mapped_column(String(64))
    image_path: Mapped[str] = mapped_column(String(200))
    thumb_path: Mapped[str] = mapped_column(String(200))
    overlay_path: Mapped[str] = mapped_column(String(200))
    width: Mapped[int]
    height: Mapped[int]
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    analysis: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    roi: Mapped[list[int] | None] = mapped_column(JSONDocument)  # x, y, w, h drawn by hand
