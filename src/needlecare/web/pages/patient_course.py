"""What the patient's own pages ask about the viewer's course: their patient id, their latest
treatment, their local date, and the day since that treatment."""

from __future__ import annotations

from datetime import date

from needlecare.services import clock, treatments
from needlecare.services.principal import Principal
from needlecare.storage.models import Treatment
from needlecare.storage.uow import UnitOfWork


def patient_id(viewer: Principal) -> int:
    assert viewer.patient_id is not None  # guaranteed by PatientViewer
    return viewer.patient_id


def patient_today(uow: UnitOfWork, viewer: Principal) -> date:
    # The patient's local date (their zone, else the clinic's, else UTC), as the services use.
    return clock.today_for(uow, viewer, patient_id(viewer))


def latest_treatment(uow: UnitOfWork, viewer: Principal) -> Treatment | None:
    rows = treatments.list_treatments(uow, viewer, patient_id(viewer))
    return rows[0] if rows else None


def course_day(uow: UnitOfWork, viewer: Principal) -> int | None:
    """Days since the patient's latest treatment, on their local date; None before the
    first treatment."""
    treatment = latest_treatment(uow, viewer)
    if treatment is None:
        return None
    return (patient_today(uow, viewer) - treatment.treatment_date).days
