"""The morning a product on the shelf may come back (issue 21): one email, on the patient's
reminder clock, through the outbox and a local SMTP server; once; not when paused."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session, sessionmaker

from needlecare.ingredients import check_label
from needlecare.jobs.reminders import run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.knowledge.bands import depth_band
from needlecare.storage.models import ReminderPause, ShelfProduct
from needlecare.storage.models.jobs import EventKind, EventOutcome, MessageKind, OutboxStatus
from needlecare.storage.uow import UnitOfWork

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
from .helpers import events

TREATED = date(2027, 5, 3)
SERUM = "Aqua, Glycerin, Retinol, Tocopherol"
CREAM = "Aqua, Glycerin, Panthenol, Squalane"


def _resume_day() -> int:
    band = depth_band(1.0, "pen")  # add_patient's treatment
    day = check_label(SERUM, band=band)["verdict"]["resume_day"]
    assert isinstance(day, int) and day > 1
    return day


def _patient_with_shelf(factory: sessionmaker[Session], clinic_id: int) -> tuple[int, int]:
    set_clinic_plan(factory, clinic_id, offsets=[1, 2, 3, 30], local_time="09:00", timezone="UTC")
    patient_id, treatment_id = add_patient(
        factory, clinic_id=clinic_id, treatment_date=TREATED, recorded_at=utc(2027, 5, 3, 12)
    )
    with UnitOfWork(factory) as uow:
        uow.session.add(ShelfProduct(patient_id=patient_id, name="Night serum", inci_text=SERUM))
        uow.session.add(ShelfProduct(patient_id=patient_id, name="Plain cream", inci_text=CREAM))
        uow.commit()
    return patient_id, treatment_id


def test_the_email_goes_out_once_on_the_morning_the_product_comes_back(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    _patient_with_shelf(factory, clinic.alder_id)
    day = _resume_day()
    morning = utc(2027, 5, 3, 9) + timedelta(days=day)
    clock = Clock(morning - timedelta(minutes=1))
    worker = make_worker(factory, jobs_settings, clock)
    assert worker.run_once().schedule.products_back == 0
    clock.advance(minutes=1)
    assert worker.run_once().schedule.products_back == 1
    assert worker.run_once().schedule.products_back == 0
    assert events(factory, EventKind.PRODUCT_BACK) == [(day, EventOutcome.QUEUED)]
    rows = [r for r in outbox(factory) if r.kind == MessageKind.PRODUCT_BACK]
    assert [(r.recipient, r.status) for r in rows] == [("patient@example.org", OutboxStatus.SENT)]
    (message,) = [m for m in smtp_server.messages if "shelf" in m["Subject"]]
    text = message.get_body(("plain",)).get_content()
    assert "Night serum" in text and "Plain cream" not in text
    assert f"day {day} after your treatment" in text and f"{BASE_URL}/products/mine" in text
    assert message["List-Unsubscribe"].startswith(f"<{BASE_URL}/reminders/pause/")


def test_no_product_email_while_reminders_are_paused(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    _, treatment_id = _patient_with_shelf(factory, clinic.alder_id)
    with UnitOfWork(factory) as uow:
        uow.session.add(ReminderPause(treatment_id=treatment_id, source="test"))
        uow.commit()
    day = _resume_day()
    run_schedule(factory, jobs_settings, utc(2027, 5, 3, 9) + timedelta(days=day))
    assert events(factory, EventKind.PRODUCT_BACK) == [(day, EventOutcome.PAUSED)]
    assert [r for r in outbox(factory) if r.kind == MessageKind.PRODUCT_BACK] == []
