"""The photo timeline: a patient's photos grouped by treatment session and area, each
compared with the previous photo and with the area's first (baseline) photo, paged by
session. The comparison is the pure domain's (`needlecare.photos.compare`); this module
reads the rows, checks who may see them and audits the read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from needlecare import photos as domain
from needlecare.services import audit
from needlecare.services.pagination import Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.storage.models import Photo, Treatment
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class TimelineEntry:
    photo: Photo
    vs_previous: dict[str, Any] | None
    vs_baseline: dict[str, Any] | None


@dataclass(frozen=True)
class AreaTimeline:
    treatment: Treatment
    area: str
    entries: list[TimelineEntry]


TIMELINE_SESSIONS = 3
"""Treatment sessions per photo-timeline page (newest first): a patient treated every month
for years has dozens; the older ones follow through the cursor."""


def photo_timeline(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    after: Sequence[Any] | None = None,
    sessions: int = TIMELINE_SESSIONS,
) -> Page[AreaTimeline]:
    """Photos grouped by treatment and area, oldest first, each compared with the previous
    photo and with the first (baseline) photo of the same area; `sessions` treatments with
    photos at a time, newest first, after the position `after` (services.pagination)."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        with_photos = select(Photo.id).where(Photo.treatment_id == Treatment.id).exists()
        page = keyset_page(
            uow.session,
            select(Treatment).where(Treatment.patient_id == patient.id, with_photos),
            (Treatment.treatment_date, Treatment.id),
            after=after,
            limit=sessions,
            descending=True,
        )
        treatments = {t.id: t for t in page.items}
        rows = uow.session.scalars(
            select(Photo)
            .where(Photo.patient_id == patient.id, Photo.treatment_id.in_(list(treatments)))
            .order_by(Photo.taken_at, Photo.id)
        ).all()
        audit.record_for_patient(
            uow.session, actor, "photo.timeline", "patient", patient.id, patient
        )
        uow.commit()
    groups: dict[tuple[int, str], list[Photo]] = {}
    for photo in rows:
        groups.setdefault((photo.treatment_id, photo.area), []).append(photo)
    timelines = []
    for (treatment_id, area), photos in groups.items():
        entries = []
        for index, photo in enumerate(photos):
            previous = photos[index - 1] if index > 0 else None
            baseline = photos[0] if index > 0 else None
            entries.append(
                TimelineEntry(photo, _compare(photo, previous), _compare(photo, baseline))
            )
        timelines.append(AreaTimeline(treatments[treatment_id], area, entries))
    timelines.sort(key=lambda t: (-t.treatment.treatment_date.toordinal(), -t.treatment.id, t.area))
    return Page(timelines, page.after)


def _compare(photo: Photo, reference: Photo | None) -> dict[str, Any] | None:
    if reference is None:
        return None
    try:
        return domain.compare(photo.analysis, reference.analysis)
    except domain.IncomparableReports:
        return None  # a report of an older version: shown as "not comparable"
