"""A patient's own account settings in the pages: when reminders come and whether they are
paused. (Downloading and deleting their data are `my_data.my_data_export` and
`deletion.delete_my_data`; the time zone belongs to the clinic-and-zones work.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from needlecare.jobs import schedule
from needlecare.services import audit, schedule_wake
from needlecare.services.errors import Invalid
from needlecare.services.notifications import plan_from
from needlecare.services.principal import Principal
from needlecare.services.scope import own_patient
from needlecare.services.treatment_in_force import treatment_in_force
from needlecare.storage.base import utcnow
from needlecare.storage.models import (
    ClinicReminderSettings,
    Patient,
    PatientReminderSettings,
    ReminderPause,
    Treatment,
)
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class ReminderSettings:
    local_time: str  # "HH:MM" the reminders come at: the patient's own, else the clinic's
    own_time: bool  # the patient chose that time
    paused: bool  # the current treatment's reminders are paused
    has_treatment: bool  # reminders follow a treatment: without one nothing is sent
    clinic_time: str = "09:00"  # "HH:MM" of the clinic (or the default): the time without one


def _current_treatment(session: Session, patient_id: int) -> Treatment | None:
    # Reminders are planned for the most recent treatment (jobs/reminders.py does the same).
    return treatment_in_force(session, patient_id)


def _settings(session: Session, patient: Patient) -> ReminderSettings:
    own = session.get(PatientReminderSettings, patient.id)
    clinic = session.get(ClinicReminderSettings, patient.clinic_id)
    plan = plan_from(clinic, own)  # the time only: no zone needed
    treatment = _current_treatment(session, patient.id)
    paused = treatment is not None and session.get(ReminderPause, treatment.id) is not None
    return ReminderSettings(
        clinic_time=f"{plan_from(clinic, None).local_time:%H:%M}",
        local_time=f"{plan.local_time:%H:%M}",
        own_time=own is not None and own.local_time is not None,
        paused=paused,
        has_treatment=treatment is not None,
    )


def reminder_settings(uow: UnitOfWork, actor: Principal) -> ReminderSettings:
    """The patient's reminder time and pause, as the reminder job will apply them."""
    with uow.reading():
        return _settings(uow.session, own_patient(uow.session, actor))


def set_reminders(
    uow: UnitOfWork, actor: Principal, *, local_time: str | None, paused: bool
) -> ReminderSettings:
    """The patient sets their reminder time ("HH:MM"; None or "" goes back to the clinic's)
    and pauses or resumes the current treatment's reminders. Audited."""
    local_time = (local_time or "").strip() or None
    if local_time is not None:
        try:
            schedule.parse_local_time(local_time)
        except schedule.ScheduleInvalid:
            raise Invalid.field(
                "local_time", "enter a time of day as hours and minutes, e.g. 09:30"
            ) from None
    with uow:
        session = uow.session
        patient = own_patient(session, actor)
        row = session.get(PatientReminderSettings, patient.id)
        if row is None:
            row = PatientReminderSettings(patient_id=patient.id)
            session.add(row)
        row.local_time = local_time
        treatment = _current_treatment(session, patient.id)
        if treatment is not None:
            existing = session.get(ReminderPause, treatment.id)
            if paused and existing is None:
                session.add(
                    ReminderPause(treatment_id=treatment.id, paused_at=utcnow(), source="account")
                )
            elif not paused and existing is not None:
                session.delete(existing)
        schedule_wake.wake_patient(session, patient.id)
        session.flush()
        audit.record_for_patient(
            session, actor, "reminders.settings", "patient", patient.id, patient
        )
        result = _settings(session, patient)
        uow.commit()
    return result
