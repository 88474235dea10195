"""Reminders and missed check-ins: due on the patient's clock, recorded once, emailed once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.reminders import run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.storage.models.jobs import EventKind, EventOutcome, MessageKind, OutboxStatus

from .conftest import (
    BASE_URL,
    Clock,
    SmtpServer,
    add_patient,
    make_worker,
    outbox,
    set_clinic_plan,
    utc,
)
from .helpers import FINE, check_in, count_events, events

# 28 March 2027 is the day London springs forward: 09:00 BST is 08:00 UTC.
TREATED = date(2027, 3, 27)
RECORDED = utc(2027, 3, 27, 12)
DAY1_DUE = utc(2027, 3, 28, 8)


def _london_patient(
    factory: sessionmaker[Session], clinic_id: int, **kw: object
) -> tuple[int, int]:
    set_clinic_plan(
        factory, clinic_id, offsets=[1, 2, 14], local_time="09:00", timezone="Europe/London"
    )
    return add_patient(
        factory, clinic_id=clinic_id, treatment_date=TREATED, recorded_at=RECORDED, **kw
    )  # type: ignore[arg-type]


def test_a_reminder_goes_out_once_at_nine_local_on_the_dst_day(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    _london_patient(factory, clinic.alder_id)
    clock = Clock(DAY1_DUE - timedelta(minutes=1))
    first, second = (
        make_worker(factory, jobs_settings, clock),
        make_worker(factory, jobs_settings, clock),
    )

    assert first.run_once().schedule.reminders_queued == 0
    clock.advance(minutes=1)
    assert first.run_once().schedule.reminders_queued == 1
    assert second.run_once().schedule.reminders_queued == 0
    assert first.run_once().schedule.reminders_queued == 0

    assert events(factory, EventKind.REMINDER) == [(1, EventOutcome.QUEUED)]
    (row,) = outbox(factory)
    assert (row.kind, row.recipient, row.status) == (
        MessageKind.REMINDER,
        "patient@example.org",
        OutboxStatus.SENT,
    )
    (message,) = smtp_server.messages
    assert message["Subject"] == "Your daily NeedleCare check-in"
    assert message["To"] == "patient@example.org"
    assert message["List-Unsubscribe"].startswith(f"<{BASE_URL}/reminders/pause/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{BASE_URL}/checkin" in text and f'href="{BASE_URL}/checkin"' in html
    assert "day 1 after your treatment" in text


def test_no_reminder_when_the_patient_already_checked_in_that_local_day(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    patient_id, treatment_id = _london_patient(factory, clinic.alder_id)
    # 07:30 BST on day 1 = 06:30 UTC: before the reminder, after local midnight.
    check_in(factory, clinic.alice.user_id, patient_id, treatment_id, utc(2027, 3, 28, 6, 30), FINE)
    run_schedule(factory, jobs_settings, DAY1_DUE)
    assert events(factory, EventKind.REMINDER) == [(1, EventOutcome.ALREADY_CHECKED_IN)]
    assert outbox(factory) == []


def test_a_reminder_noticed_hours_late_is_recorded_but_not_sent(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    _london_patient(factory, clinic.alder_id)
    run_schedule(factory, jobs_settings, DAY1_DUE + timedelta(hours=7))
    assert events(factory, EventKind.REMINDER) == [(1, EventOutcome.LATE)]
    assert outbox(factory) == []


def test_a_treatment_recorded_late_gets_no_reminders_for_days_already_past(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    set_clinic_plan(factory, clinic.alder_id, offsets=[1, 2, 3], local_time="09:00", timezone="UTC")
    add_patient(
        factory,
        clinic_id=clinic.alder_id,
        treatment_date=date(2027, 1, 1),
        recorded_at=utc(2027, 1, 3, 12),
    )
    run_schedule(factory, jobs_settings, utc(2027, 1, 4, 10))
    assert events(factory, EventKind.REMINDER) == [(3, EventOutcome.QUEUED)]
    run_schedule(factory, jobs_settings, utc(2027, 1, 5, 10))
    assert events(factory, EventKind.MISSED_CHECKIN) == [(3, EventOutcome.QUEUED)]


def test_the_patients_own_zone_wins_over_the_clinics(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    set_clinic_plan(
        factory, clinic.alder_id, offsets=[1], local_time="09:00", timezone="Europe/London"
    )
    add_patient(
        factory,
        clinic_id=clinic.alder_id,
        treatment_date=date(2026, 11, 25),
        recorded_at=utc(2026, 11, 25, 0),
        timezone="Pacific/Auckland",
    )
    # 09:00 NZDT on 26 November is 20:00 UTC on the 25th.
    run_schedule(factory, jobs_settings, utc(2026, 11, 25, 19, 59))
    assert events(factory, EventKind.REMINDER) == []
    run_schedule(factory, jobs_settings, utc(2026, 11, 25, 20, 0))
    assert events(factory, EventKind.REMINDER) == [(1, EventOutcome.QUEUED)]


def test_a_missed_check_in_alerts_the_clinic_once_after_the_grace_period(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    patient_id, treatment_id = _london_patient(factory, clinic.alder_id)
    clock = Clock(DAY1_DUE + timedelta(hours=24) - timedelta(seconds=1))
    worker = make_worker(factory, jobs_settings, clock)

    assert worker.run_once().schedule.missed_alerts == 0
    clock.advance(seconds=1)
    assert worker.run_once().schedule.missed_alerts == 1
    assert worker.run_once().schedule.missed_alerts == 0
    assert make_worker(factory, jobs_settings, clock).run_once().schedule.missed_alerts == 0

    missed = [m for m in smtp_server.messages if m["Subject"] == "A patient missed a check-in"]
    assert sorted(m["To"] for m in missed) == ["alice@example.org", "bob@example.org"]
    body = missed[0].get_body(("plain",)).get_content()
    assert f"{BASE_URL}/clinic/patients/{patient_id}" in body
    assert "Robin" not in body and "Robin" not in missed[0]["Subject"]

    # Day 2 is missed too, but the clinic already knows: one alert per run of misses.
    clock.now = utc(2027, 3, 30, 8)
    assert worker.run_once().schedule.missed_alerts == 0
    # A check-in re-arms the alert: the next miss (day 14) is reported again.
    check_in(factory, clinic.alice.user_id, patient_id, treatment_id, utc(2027, 3, 30, 9), FINE)
    clock.now = utc(2027, 4, 11, 8)  # day 14 at 09:00 BST + 24 h
    assert worker.run_once().schedule.missed_alerts == 1
    assert events(factory, EventKind.MISSED_CHECKIN) == [
        (1, EventOutcome.QUEUED),
        (2, EventOutcome.SUPPRESSED),
        (14, EventOutcome.QUEUED),
    ]
    assert (
        len([m for m in smtp_server.messages if m["Subject"] == "A patient missed a check-in"]) == 4
    )


def test_a_check_in_within_the_grace_period_is_not_a_miss(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    patient_id, treatment_id = _london_patient(factory, clinic.alder_id)
    check_in(
        factory,
        clinic.alice.user_id,
        patient_id,
        treatment_id,
        DAY1_DUE + timedelta(hours=23),
        FINE,
    )
    run_schedule(factory, jobs_settings, DAY1_DUE + timedelta(hours=25))
    assert events(factory, EventKind.MISSED_CHECKIN) == [(1, EventOutcome.ALREADY_CHECKED_IN)]
    assert outbox(factory) == []  # no alert; the day-1 reminder was too late to send


def test_personal_patients_get_reminders_but_nobody_is_alerted(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    add_patient(
        factory, clinic_id=None, treatment_date=date(2027, 1, 1), recorded_at=utc(2027, 1, 1, 8)
    )
    run_schedule(factory, jobs_settings, utc(2027, 1, 2, 9))
    run_schedule(factory, jobs_settings, utc(2027, 1, 3, 10))
    assert events(factory, EventKind.REMINDER) == [
        (1, EventOutcome.QUEUED),
        (2, EventOutcome.QUEUED),
    ]
    assert events(factory, EventKind.MISSED_CHECKIN) == []
    assert count_events(factory) == 2


def test_only_the_latest_treatment_of_a_patient_is_reminded(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    from needlecare.storage.enums import Device
    from needlecare.storage.models import Treatment
    from needlecare.storage.uow import UnitOfWork

    patient_id, _old = add_patient(
        factory,
        clinic_id=clinic.alder_id,
        treatment_date=date(2027, 1, 1),
        recorded_at=utc(2027, 1, 1),
    )
    with UnitOfWork(factory) as uow:
        uow.session.add(
            Treatment(
                patient_id=patient_id,
                treatment_date=date(2027, 1, 2),
                depth_mm=0.5,
                device=Device.PEN,
                areas=["face"],
                created_at=utc(2027, 1, 2),
            )
        )
        uow.commit()
    run_schedule(factory, jobs_settings, utc(2027, 1, 3, 9))
    assert events(factory, EventKind.REMINDER) == [(1, EventOutcome.QUEUED)]
    (row,) = outbox(factory)
    assert row.payload["treatment_id"] != _old
