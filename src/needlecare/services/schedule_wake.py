"""Waking the worker for treatments whose schedule changed.

The worker's pass reads only treatments whose `schedule_next_at` has come (it sets the next
one itself from the treatment's moments). Whatever changes those moments (a pause, reminder
settings, a corrected treatment date, a product on the shelf) makes them due (WOKEN), in its own
transaction, so the next pass works them out again. The pass also looks at every treatment
in its window at least every `jobs.reminders.REVISIT`, so a change missed here is only late.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from needlecare.storage.models import Patient, Treatment
from needlecare.storage.models.care import WOKEN


def wake_treatment(session: Session, treatment_id: int) -> None:
    _wake(session, Treatment.id == treatment_id)


def wake_patient(session: Session, patient_id: int) -> None:
    _wake(session, Treatment.patient_id == patient_id)


def wake_clinic(session: Session, clinic_id: int) -> None:
    patients = select(Patient.id).where(Patient.clinic_id == clinic_id)
    # Only treatments still scheduled: a finished one (NULL) stays finished.
    _wake(session, Treatment.patient_id.in_(patients), Treatment.schedule_next_at.is_not(None))


def _wake(session: Session, *where: object) -> None:
    session.execute(
        update(Treatment)
        .where(*where)  # type: ignore[arg-type]
        .values(schedule_next_at=WOKEN)
        .execution_options(synchronize_session=False)
    )
