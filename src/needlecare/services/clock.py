"""The patient's "today": the calendar date on their wall clock, not in UTC.

A patient in Los Angeles who checks in at 18:00 (02:00 UTC the next day) is still on today's
timeline day, product verdict and aftercare dates. Their zone is the one reminders use
(`notifications.plan_from`): the patient's own setting, else their clinic's zone
(`clinic.timezone`), else UTC. `local_date` and `local_today` are pure; `patient_zones`
reads the chain.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import ScalarSelect, select
from sqlalchemy.orm import Session

from needlecare.jobs.schedule import ScheduleInvalid, parse_timezone
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.storage.base import utcnow
from needlecare.storage.models import Clinic, PatientReminderSettings
from needlecare.storage.uow import UnitOfWork

Zones = tuple[str | None, ...]


def zone_of(*zones: str | None) -> tzinfo:
    """The first zone that is a valid IANA name; UTC if none is (a bad stored value must
    not break a page, so it is skipped rather than raised)."""
    for name in zones:
        if name:
            try:
                return parse_timezone(name)
            except ScheduleInvalid:
                continue
    return UTC


def local_date(instant: datetime, *zones: str | None) -> date:
    """The calendar date of `instant` in the first valid zone (a naive instant is UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone_of(*zones)).date()


def local_today(now: datetime, *zones: str | None) -> date:
    """Today's date where the patient lives, at the instant `now`."""
    return local_date(now, *zones)


def clinic_zones(session: Session, clinic_id: int | None) -> Zones:
    """(the clinic's zone,): for clinic-wide dates such as a clinic export."""
    if clinic_id is None:
        return (None,)
    return (session.scalar(select(Clinic.timezone).where(Clinic.id == clinic_id)),)


def patient_zone_of(patient_id: Any) -> ScalarSelect[str | None]:
    """The patient's own zone, as a subquery (`patient_id`: a value or a column to correlate)."""
    return (
        select(PatientReminderSettings.timezone)
        .where(PatientReminderSettings.patient_id == patient_id)
        .scalar_subquery()
    )


def clinic_zone_of(clinic_id: Any) -> ScalarSelect[str | None]:
    """The clinic's zone, as a subquery (a value or a column to correlate)."""
    return select(Clinic.timezone).where(Clinic.id == clinic_id).scalar_subquery()


def patient_zones(session: Session, patient_id: int, clinic_id: int | None) -> Zones:
    """(the patient's zone, their clinic's zone): the chain `local_today` walks.
    One round trip (a check-in or an upload pays for it on every request)."""
    row = session.execute(select(patient_zone_of(patient_id), clinic_zone_of(clinic_id))).one()
    return (row[0], row[1])


def patient_today(
    session: Session, patient_id: int, clinic_id: int | None, now: datetime | None = None
) -> date:
    """The patient's local date at `now` (default: the current instant), inside the caller's
    transaction."""
    return local_today(now or utcnow(), *patient_zones(session, patient_id, clinic_id))


def zones_for(uow: UnitOfWork, actor: Principal, patient_id: int) -> Zones:
    """The zone chain of a patient the actor may see (NotFound otherwise), in its own
    read-only unit: for pages that count days themselves."""
    with uow.reading():
        patient = patient_for(uow.session, actor, patient_id)
        return patient_zones(uow.session, patient.id, patient.clinic_id)


def today_for(
    uow: UnitOfWork, actor: Principal, patient_id: int, now: datetime | None = None
) -> date:
    """The patient's local date at `now`, for a caller outside a transaction."""
    return local_today(now or utcnow(), *zones_for(uow, actor, patient_id))
