"""The treatment in force, defined once (issue 19): a patient's newest treatment, by treatment
date, the higher id breaking a tie (a second session entered for the same day is the one that
counts). The timeline, triage, reminders, the shelf, photos, recommendations and the patient's
pages all follow it, so they must all ask here rather than repeat the ordering.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from needlecare.storage.models import Patient, Treatment

# Newest first: the first row of a patient's treatments in this order is the one in force.
NEWEST_FIRST = (Treatment.treatment_date.desc(), Treatment.id.desc())


def treatments_newest_first(patient_id: int) -> Select[Treatment]:
    """All of a patient's treatments, the one in force first."""
    return select(Treatment).where(Treatment.patient_id == patient_id).order_by(*NEWEST_FIRST)


def treatment_in_force(session: Session, patient_id: int) -> Treatment | None:
    """The patient's treatment in force, or None before their first treatment."""
    found: Treatment | None = session.scalars(treatments_newest_first(patient_id).limit(1)).first()
    return found


def in_force_id_of_patient() -> Any:
    """The id of the treatment in force of the `Patient` row of the enclosing statement (a
    correlated scalar subquery, for statements that read the patient and more at once)."""
    return (
        select(Treatment.id)
        .where(Treatment.patient_id == Patient.id)
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .correlate(Patient)
        .scalar_subquery()
    )


def superseded() -> ColumnElement[bool]:
    """True for a `Treatment` row of the enclosing statement that is no longer in force (the
    same patient has a newer one), in the same order as NEWEST_FIRST."""
    newer = aliased(Treatment)
    return exists().where(
        newer.patient_id == Treatment.patient_id,
        or_(
            newer.treatment_date > Treatment.treatment_date,
            and_(newer.treatment_date == Treatment.treatment_date, newer.id > Treatment.id),
        ),
    )
