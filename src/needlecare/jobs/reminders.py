"""The schedule pass: for each treatment in its recovery window, record every reminder and
every missed check-in whose moment has come, once, and queue their emails in the same
transaction. The pass reads only the treatments whose `schedule_next_at` has come and sets
the next one from their moments, so its cost follows the work due, not the table's size.

Once means once: a row in `reminder_event` per (treatment, day, kind), inserted with ON
CONFLICT DO NOTHING. The worker that inserts it is the one that queues the email; a worker
that finds it already there does nothing (Healthchecks' conditional update, as an insert).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Table, bindparam, exists, select, update
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs import product_return, schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.services.notifications import clinic_staff, enqueue, insert_once, plan_from
from needlecare.services.treatment_in_force import superseded
from needlecare.storage.models import (
    Checkin,
    Clinic,
    ClinicReminderSettings,
    Patient,
    PatientReminderSettings,
    ReminderEvent,
    ReminderPause,
    ShelfProduct,
    Treatment,
    User,
)
from needlecare.storage.models.jobs import EventKind, EventOutcome, MessageKind
from needlecare.storage.uow import UnitOfWork

log = logging.getLogger("needlecare.jobs.reminders")
# Every treatment in its window is looked at again at least this often, whatever its moments
# say (a safety net: the writers that change a schedule wake it at once, services.schedule_wake).
REVISIT = timedelta(hours=6)


@dataclass
class ScheduleReport:
    reminders_queued: int = 0
    missed_alerts: int = 0
    events: int = 0
    products_back: int = 0


@dataclass(frozen=True)
class _Candidate:
    treatment_id: int
    patient_id: int
    clinic_id: int | None
    plan: schedule.ReminderPlan
    moments: list[schedule.DueMoment]
    not_before: datetime
    treatment_date: date


def _candidates(
    session: Session, now: datetime
) -> tuple[list[_Candidate], dict[int, datetime | None], dict[int, datetime | None]]:
    """Each patient's latest treatment whose recovery window is still open and whose
    `schedule_next_at` has come (its index finds them: the pass costs what is due, not the
    table); the next look for the others found due (None: never again: a treatment
    superseded by a newer one or past its window); and each treatment's mark as read."""
    clinics = {row.clinic_id: row for row in session.scalars(select(ClinicReminderSettings))}
    # Only a patient's treatment in force is followed.
    due = session.execute(
        select(Treatment, Patient.clinic_id, Clinic.timezone, superseded())
        .join(Patient, Patient.id == Treatment.patient_id)
        .outerjoin(Clinic, Clinic.id == Patient.clinic_id)
        .where(Treatment.schedule_next_at <= now)
    ).all()
    seen = {t.id: t.schedule_next_at for t, _, _, _ in due}
    parked: dict[int, datetime | None] = {t.id: None for t, _, _, old in due if old}
    rows = [(t, clinic_id, zone) for t, clinic_id, zone, old in due if not old]
    patients = {
        row.patient_id: row
        for row in session.scalars(
            select(PatientReminderSettings).where(
                PatientReminderSettings.patient_id.in_({t.patient_id for t, _, _ in rows})
            )
        )
    }
    found: list[_Candidate] = []
    for treatment, clinic_id, clinic_zone in rows:
        clinic_settings = clinics.get(clinic_id) if clinic_id is not None else None
        if clinic_settings is not None and not clinic_settings.enabled:
            parked[treatment.id] = now + REVISIT  # settings changes wake it sooner
            continue
        try:
            plan = plan_from(clinic_settings, patients.get(treatment.patient_id), clinic_zone)
        except schedule.ScheduleInvalid as exc:
            log.warning("treatment %s: reminder settings unusable: %s", treatment.id, exc)
            parked[treatment.id] = now + REVISIT
            continue
        if schedule.window_end(treatment.treatment_date, plan) < now.date():
            parked[treatment.id] = None  # its window is over: nothing more, ever
            continue
        found.append(
            _Candidate(
                treatment.id,
                treatment.patient_id,
                clinic_id,
                plan,
                schedule.due_moments(treatment.treatment_date, plan),
                treatment.created_at,
                treatment.treatment_date,
            )
        )
    return found, parked, seen


def _next_look(c: _Candidate, now: datetime, has_shelf: bool) -> datetime:
    """The first instant after `now` at which this treatment can have work: a reminder, the
    end of a grace period, a product's morning; at the latest `now + REVISIT`."""
    times = [now + REVISIT]
    times += [m.due_at for m in c.moments if m.due_at > now]
    if c.clinic_id is not None:
        times += [t for m in c.moments if (t := m.missed_after(c.plan.grace)) > now]
    if has_shelf:
        times += [
            t
            for day in range(1, product_return.MAX_RESUME_DAY + 1)
            if (
                t := schedule.local_to_utc(
                    c.treatment_date + timedelta(days=day), c.plan.local_time, c.plan.zone
                )
            )
            > now
        ][:1]
    return min(times)


def _set_next_looks(
    factory: sessionmaker[Session],
    looks: dict[int, datetime | None],
    seen: dict[int, datetime | None],
) -> None:
    """Record when to look at each treatment next, unless its mark changed since this pass
    read it (another pass, or a writer waking it)."""
    if not looks:
        return
    with UnitOfWork(factory) as uow:
        table = Treatment.__table__
        assert isinstance(table, Table)
        uow.session.execute(  # a Core executemany
            update(table)
            .where(table.c.id == bindparam("t_id"), table.c.schedule_next_at == bindparam("t_seen"))
            .values(schedule_next_at=bindparam("t_next")),
            [{"t_id": t, "t_next": n, "t_seen": seen[t]} for t, n in looks.items()],
        )
        uow.commit()


def _handled(session: Session, treatment_ids: list[int]) -> set[tuple[int, int, EventKind]]:
    rows = session.execute(
        select(ReminderEvent.treatment_id, ReminderEvent.due_day, ReminderEvent.kind).where(
            ReminderEvent.treatment_id.in_(treatment_ids)
        )
    ).all()
    return {(t, d, k) for t, d, k in rows}


def _checked_in(session: Session, treatment_id: int, since: datetime, until: datetime) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    Checkin.treatment_id == treatment_id,
                    Checkin.created_at >= since,
                    Checkin.created_at < until,
                )
            )
        )
    )


def _patient_address(session: Session, patient_id: int) -> str | None:
    patient = session.get(Patient, patient_id)
    if patient is None:
        return None
    if patient.email:
        return patient.email
    if patient.user_id is None:
        return None
    return session.scalar(select(User.email).where(User.id == patient.user_id))


def _record(
    session: Session,
    c: _Candidate,
    m: schedule.DueMoment,
    kind: EventKind,
    outcome: EventOutcome,
    now: datetime,
) -> bool:
    table = ReminderEvent.__table__
    assert isinstance(table, Table)
    return insert_once(
        session,
        table,
        {
            "treatment_id": c.treatment_id,
            "patient_id": c.patient_id,
            "clinic_id": c.clinic_id,
            "due_day": m.day,
            "kind": kind,
            "due_at": m.due_at,
            "outcome": outcome,
            "created_at": now,
        },
    )


def _remind(
    session: Session, c: _Candidate, m: schedule.DueMoment, now: datetime, settings: JobsSettings
) -> bool:
    address = _patient_address(session, c.patient_id)
    if session.get(ReminderPause, c.treatment_id) is not None:
        outcome = EventOutcome.PAUSED
    elif now - m.due_at > settings.reminder_max_lateness:
        outcome = EventOutcome.LATE
    elif _checked_in(session, c.treatment_id, m.day_starts_at, now + timedelta(seconds=1)):
        outcome = EventOutcome.ALREADY_CHECKED_IN
    elif address is None:
        outcome = EventOutcome.NO_RECIPIENT
    else:
        outcome = EventOutcome.QUEUED
    if not _record(session, c, m, EventKind.REMINDER, outcome, now):
        return False  # another worker handled this moment
    if outcome is EventOutcome.QUEUED and address is not None:
        enqueue(
            session,
            kind=MessageKind.REMINDER,
            recipient=address,
            dedupe_key=f"reminder:{c.treatment_id}:day:{m.day}",
            payload={"treatment_id": c.treatment_id, "day": m.day},
            clinic_id=c.clinic_id,
            patient_id=c.patient_id,
            now=now,
        )
        return True
    return False


def _unanswered_miss(session: Session, c: _Candidate, m: schedule.DueMoment, now: datetime) -> bool:
    """An earlier miss was reported and no check-in came since: this one is the same run."""
    previous = session.scalar(
        select(ReminderEvent.due_at)
        .where(
            ReminderEvent.treatment_id == c.treatment_id,
            ReminderEvent.kind == EventKind.MISSED_CHECKIN,
            ReminderEvent.outcome == EventOutcome.QUEUED,
            ReminderEvent.due_at < m.due_at,
        )
        .order_by(ReminderEvent.due_at.desc())
        .limit(1)
    )
    return previous is not None and not _checked_in(session, c.treatment_id, previous, now)


def _report_miss(session: Session, c: _Candidate, m: schedule.DueMoment, now: datetime) -> bool:
    """Record the check-in of moment `m` as missed (alert + staff email) if it was."""
    assert c.clinic_id is not None
    staff = clinic_staff(session, c.clinic_id)
    if _checked_in(session, c.treatment_id, m.day_starts_at, m.missed_after(c.plan.grace)):
        outcome = EventOutcome.ALREADY_CHECKED_IN  # it came in time
    elif session.get(ReminderPause, c.treatment_id) is not None:
        outcome = EventOutcome.PAUSED
    elif _unanswered_miss(session, c, m, now):
        outcome = EventOutcome.SUPPRESSED
    elif not staff:
        outcome = EventOutcome.NO_RECIPIENT
    else:
        outcome = EventOutcome.QUEUED
    if not _record(session, c, m, EventKind.MISSED_CHECKIN, outcome, now):
        return False
    if outcome is not EventOutcome.QUEUED:
        return False
    for user_id, email in staff:
        enqueue(
            session,
            kind=MessageKind.MISSED_CHECKIN,
            recipient=email,
            dedupe_key=f"missed:{c.treatment_id}:day:{m.day}:user:{user_id}",
            payload={"treatment_id": c.treatment_id, "day": m.day},
            clinic_id=c.clinic_id,
            patient_id=c.patient_id,
            now=now,
        )
    log.info("treatment %s: day %s check-in missed; clinic alerted", c.treatment_id, m.day)
    return True


def run_schedule(
    factory: sessionmaker[Session], settings: JobsSettings, now: datetime
) -> ScheduleReport:
    """Handle every moment that has come since the last pass (idempotent, race-safe)."""
    report = ScheduleReport()
    with UnitOfWork(factory).reading() as uow:
        candidates, looks, seen = _candidates(uow.session, now)
        handled = _handled(uow.session, [c.treatment_id for c in candidates])
        shelves = _with_shelf(uow.session, {c.patient_id for c in candidates})
    for c in candidates:
        reminders = [
            m
            for m in schedule.due_reminders(c.moments, now, not_before=c.not_before)
            if (c.treatment_id, m.day, EventKind.REMINDER) not in handled
        ]
        misses = [
            m
            for m in schedule.overdue_checkins(
                c.moments, now, c.plan.grace, not_before=c.not_before
            )
            if c.clinic_id is not None
            and (c.treatment_id, m.day, EventKind.MISSED_CHECKIN) not in handled
        ]
        if not reminders and not misses:
            continue
        # One short transaction per treatment: its moments are decided in time order.
        with UnitOfWork(factory) as uow:
            for m in reminders:
                report.reminders_queued += _remind(uow.session, c, m, now, settings)
            for m in misses:
                report.missed_alerts += _report_miss(uow.session, c, m, now)
            uow.commit()
        report.events += len(reminders) + len(misses)
    report.products_back = _product_returns(
        factory, [c for c in candidates if c.patient_id in shelves], handled, now, settings
    )
    looks.update({c.treatment_id: _next_look(c, now, c.patient_id in shelves) for c in candidates})
    _set_next_looks(factory, looks, seen)
    return report


def _with_shelf(session: Session, patient_ids: set[int]) -> set[int]:
    """The patients with a product on their shelf (only they can have a product come back)."""
    if not patient_ids:
        return set()
    return set(
        session.scalars(
            select(ShelfProduct.patient_id)
            .where(ShelfProduct.patient_id.in_(patient_ids))
            .distinct()
        )
    )


def _product_returns(
    factory: sessionmaker[Session],
    candidates: list[_Candidate],
    handled: set[tuple[int, int, EventKind]],
    now: datetime,
    settings: JobsSettings,
) -> int:
    """The morning email when a product on the patient's shelf may come back (issue 21)."""
    queued = 0
    for c in candidates:
        with UnitOfWork(factory) as uow:
            treatment = uow.session.get(Treatment, c.treatment_id)
            if treatment is None:
                continue
            for m in product_return.due_returns(uow.session, treatment, c.plan, now):
                if (c.treatment_id, m.day, EventKind.PRODUCT_BACK) in handled:
                    continue
                if m.due_at < c.not_before:
                    continue  # the treatment was recorded after that morning
                address = _patient_address(uow.session, c.patient_id)
                outcome = product_return.outcome_for(
                    uow.session, c.treatment_id, m, now, address, settings
                )
                if not _record(uow.session, c, m, EventKind.PRODUCT_BACK, outcome, now):
                    continue  # another worker handled this morning
                if outcome is EventOutcome.QUEUED and address is not None:
                    product_return.queue_email(
                        uow.session,
                        treatment_id=c.treatment_id,
                        patient_id=c.patient_id,
                        clinic_id=c.clinic_id,
                        day=m.day,
                        address=address,
                        now=now,
                    )
                    queued += 1
            uow.commit()
    return queued
