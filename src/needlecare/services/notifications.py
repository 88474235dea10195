"""Notifications: queue emails in the caller's transaction (outbox), pause reminders from a
signed link, and a clinic's reminder schedule.

`enqueue_*` never commit: the message lands or vanishes with the event that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Executable, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from needlecare.jobs import schedule
from needlecare.services import audit, schedule_wake
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, require_admin
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import (
    ClinicReminderSettings,
    OutboxMessage,
    Patient,
    PatientReminderSettings,
    ReminderPause,
    Treatment,
    User,
)
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork

PAUSE_SALT = "needlecare.reminders.pause"
STAFF_ROLES = (Role.ADMIN, Role.CLINICIAN)


@cache
def _insert_once_statement(dialect: str, table: Table, keys: tuple[str, ...]) -> Executable:
    # Built once per table and set of columns, with bound parameters: the same statement
    # object each time, so SQLAlchemy's compiled cache finds it.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = next(iter(table.primary_key.columns))
    values = {name: bindparam(name, type_=table.c[name].type) for name in keys}
    # RETURNING, not rowcount: drivers disagree on rowcount for INSERT ... ON CONFLICT.
    return insert(table).values(values).on_conflict_do_nothing().returning(key)


def insert_once(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """INSERT unless a unique key already holds the row; True if this call inserted it.

    ON CONFLICT DO NOTHING is atomic on both databases: of two workers racing on the same
    key, exactly one gets True, and neither transaction fails."""
    dialect = session.get_bind().dialect.name
    statement = _insert_once_statement(dialect, table, tuple(sorted(values)))
    return session.execute(statement, values).first() is not None


def enqueue(
    session: Session,
    *,
    kind: MessageKind,
    recipient: str,
    dedupe_key: str,
    payload: dict[str, Any],
    clinic_id: int | None,
    patient_id: int | None,
    now: datetime | None = None,
) -> bool:
    """Queue one email; the same `dedupe_key` twice queues it once."""
    now = now or utcnow()
    table = OutboxMessage.__table__
    assert isinstance(table, Table)
    return insert_once(
        session,
        table,
        {
            "kind": kind,
            "dedupe_key": dedupe_key[:200],
            "recipient": recipient,
            "payload": payload,
            "clinic_id": clinic_id,
            "patient_id": patient_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


_CLINIC_STAFF = (
    select(User.id, User.email)
    .where(
        User.clinic_id == bindparam("clinic_id"),
        User.is_active.is_(True),
        User.role.in_(STAFF_ROLES),
    )
    .order_by(User.id)
)


def clinic_staff(session: Session, clinic_id: int) -> list[tuple[int, str]]:
    """(user id, email) of the clinic's active admins and clinicians."""
    rows = session.execute(_CLINIC_STAFF, {"clinic_id": clinic_id})
    return [(user_id, email) for user_id, email in rows]


def enqueue_checkin_alert(
    session: Session, alert_id: int, clinic_id: int, patient_id: int, now: datetime | None = None
) -> int:
    """An email to each staff member of the clinic about a new contact_clinic/urgent alert."""
    queued = 0
    for user_id, email in clinic_staff(session, clinic_id):
        queued += enqueue(
            session,
            kind=MessageKind.CHECKIN_ALERT,
            recipient=email,
            dedupe_key=f"alert:{alert_id}:user:{user_id}",
            payload={"alert_id": alert_id},
            clinic_id=clinic_id,
            patient_id=patient_id,
            now=now,
        )
    return queued


# --- Pausing reminders from the link in an email ---------------------------------------------


def pause_token(secret_key: str, treatment_id: int) -> str:
    """A signed, unguessable link token for one treatment's reminders (no expiry: old emails
    keep working)."""
    return URLSafeSerializer(secret_key, salt=PAUSE_SALT).dumps({"t": treatment_id})


def _treatment_from_token(secret_key: str, token: str) -> int:
    try:
        data = URLSafeSerializer(secret_key, salt=PAUSE_SALT).loads(token)
    except BadSignature:
        raise NotFound("reminder link") from None
    treatment_id = data.get("t") if isinstance(data, dict) else None
    if not isinstance(treatment_id, int):
        raise NotFound("reminder link")
    return treatment_id


@dataclass(frozen=True)
class PauseState:
    treatment_id: int
    paused: bool


def reminder_state(uow: UnitOfWork, secret_key: str, token: str) -> PauseState:
    treatment_id = _treatment_from_token(secret_key, token)
    with uow.reading():
        if uow.session.get(Treatment, treatment_id) is None:
            raise NotFound("reminder link")
        paused = uow.session.get(ReminderPause, treatment_id) is not None
    return PauseState(treatment_id, paused)


def set_reminders_paused(
    uow: UnitOfWork, secret_key: str, token: str, *, paused: bool, source: str = "email_link"
) -> PauseState:
    """Pause (or resume) reminders for the treatment named by a signed token (idempotent)."""
    treatment_id = _treatment_from_token(secret_key, token)
    with uow:
        session = uow.session
        treatment = session.get(Treatment, treatment_id)
        if treatment is None:
            raise NotFound("reminder link")
        existing = session.get(ReminderPause, treatment_id)
        if paused and existing is None:
            session.add(ReminderPause(treatment_id=treatment_id, paused_at=utcnow(), source=source))
        elif not paused and existing is not None:
            session.delete(existing)
        schedule_wake.wake_treatment(session, treatment_id)
        patient = session.get(Patient, treatment.patient_id)
        clinic_id = patient.clinic_id if patient else None
        audit.record(
            session,
            None,
            "reminders.pause" if paused else "reminders.resume",
            "treatment",
            treatment_id,
            clinic_id=clinic_id,
            patient_id=treatment.patient_id,
            actor_role="link",
        )
        uow.commit()
    return PauseState(treatment_id, paused)


# --- Schedule settings ----------------------------------------------------------------------


def plan_from(
    clinic: ClinicReminderSettings | None,
    patient: PatientReminderSettings | None,
    clinic_zone: str | None = None,
) -> schedule.ReminderPlan:
    """The patient's own zone/time win over the clinic's; the clinic's over the defaults.
    `clinic_zone`: the clinic's own zone (clinic.timezone), which is not a reminder setting."""
    plan = schedule.ReminderPlan()
    if clinic is not None:
        plan = schedule.ReminderPlan(
            day_offsets=schedule.parse_day_offsets(clinic.day_offsets),
            local_time=schedule.parse_local_time(clinic.local_time),
            grace=schedule.parse_grace_hours(clinic.grace_hours),
        )
    if clinic_zone:
        plan = replace(plan, timezone=clinic_zone)
    if patient is not None:
        plan = schedule.ReminderPlan(
            day_offsets=plan.day_offsets,
            local_time=schedule.parse_local_time(patient.local_time)
            if patient.local_time
            else plan.local_time,
            timezone=patient.timezone or plan.timezone,
            grace=plan.grace,
        )
    return plan


def _invalid(field: str, exc: schedule.ScheduleInvalid) -> Invalid:
    return Invalid.field(field, str(exc))


def set_clinic_schedule(
    uow: UnitOfWork,
    actor: Principal,
    *,
    day_offsets: list[int],
    local_time: str,
    grace_hours: int = 24,
    enabled: bool = True,
) -> ClinicReminderSettings:
    """A clinic admin sets when reminders go out and how long before a miss is reported
    (on the clinic's clock: its zone is a clinic setting, services.clinic_settings)."""
    clinic_id = require_admin(actor)
    checks: list[tuple[str, Any]] = [
        ("day_offsets", lambda: schedule.parse_day_offsets(day_offsets)),
        ("local_time", lambda: schedule.parse_local_time(local_time)),
        ("grace_hours", lambda: schedule.parse_grace_hours(grace_hours)),
    ]
    for name, check in checks:
        try:
            check()
        except schedule.ScheduleInvalid as exc:
            raise _invalid(name, exc) from None
    with uow:
        row = uow.session.get(ClinicReminderSettings, clinic_id)
        if row is None:
            row = ClinicReminderSettings(clinic_id=clinic_id)
            uow.session.add(row)
        row.day_offsets = list(schedule.parse_day_offsets(day_offsets))
        row.local_time = local_time
        row.grace_hours, row.enabled = grace_hours, enabled
        schedule_wake.wake_clinic(uow.session, clinic_id)
        audit.record(
            uow.session, actor, "reminders.settings", "clinic", clinic_id, clinic_id=clinic_id
        )
        uow.commit()
        return row


def set_patient_timezone(
    uow: UnitOfWork, actor: Principal, patient_id: int, timezone: str | None
) -> None:
    """Where the patient lives (IANA name); None falls back to the clinic's zone."""
    if timezone is not None:
        try:
            schedule.parse_timezone(timezone)
        except schedule.ScheduleInvalid as exc:
            raise _invalid("timezone", exc) from None
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        row = uow.session.get(PatientReminderSettings, patient.id)
        if row is None:
            row = PatientReminderSettings(patient_id=patient.id)
            uow.session.add(row)
        row.timezone = timezone
        schedule_wake.wake_patient(uow.session, patient.id)
        audit.record_for_patient(
            uow.session, actor, "reminders.timezone", "patient", patient.id, patient
        )
        uow.commit()
