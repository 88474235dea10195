"""Versions of a treatment record: what it said after each change, who changed it and when.
Revision 1 is the record as first entered; records older than this table get their
revision 1 written from the row just before their first edit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needlecare.storage.base import utcnow
from needlecare.storage.enums import Device
from needlecare.storage.models import Treatment, TreatmentRevision

# The fields of a treatment record that a revision keeps, in the order a form shows them.
FIELDS = (
    "treatment_date",
    "depth_mm",
    "device",
    "areas",
    "serum",
    "operator",
    "notes",
    "next_session_date",
)


def snapshot(treatment: Treatment) -> dict[str, Any]:
    """The record's values as JSON (dates as ISO strings)."""
    next_date = treatment.next_session_date
    return {
        "treatment_date": treatment.treatment_date.isoformat(),
        "depth_mm": float(treatment.depth_mm),
        "device": Device(treatment.device).value,
        "areas": list(treatment.areas),
        "serum": treatment.serum,
        "operator": treatment.operator,
        "notes": treatment.notes,
        "next_session_date": next_date.isoformat() if next_date else None,
    }


def record_first(session: Session, treatment: Treatment) -> TreatmentRevision:
    """Revision 1: the record as first entered (by whoever created it, when they did)."""
    row = TreatmentRevision(
        treatment_id=treatment.id,
        revision=1,
        record=snapshot(treatment),
        changed_fields=[],
        changed_by=treatment.created_by,
        changed_at=treatment.created_at,
    )
    session.add(row)
    return row


def record_change(
    session: Session, treatment: Treatment, before: dict[str, Any], user_id: int | None
) -> TreatmentRevision | None:
    """A new revision when the record differs from `before` (its snapshot before the change);
    None, and nothing written, when nothing changed."""
    after = snapshot(treatment)
    changed = [name for name in FIELDS if before.get(name) != after.get(name)]
    if not changed:
        return None
    last = session.scalar(
        select(func.max(TreatmentRevision.revision)).where(
            TreatmentRevision.treatment_id == treatment.id
        )
    )
    if last is None:  # recorded before revisions were kept: keep its first version too
        first = TreatmentRevision(
            treatment_id=treatment.id,
            revision=1,
            record=before,
            changed_fields=[],
            changed_by=treatment.created_by,
            changed_at=treatment.created_at,
        )
        session.add(first)
        last = 1
    row = TreatmentRevision(
        treatment_id=treatment.id,
        revision=last + 1,
        record=after,
        changed_fields=changed,
        changed_by=user_id,
        changed_at=utcnow(),
    )
    session.add(row)
    return row


def revisions_of(session: Session, treatment_id: int) -> Sequence[TreatmentRevision]:
    """Oldest first."""
    return session.scalars(
        select(TreatmentRevision)
        .where(TreatmentRevision.treatment_id == treatment_id)
        .order_by(TreatmentRevision.revision)
    ).all()
