"""Issue 22: emails speak the language the patient chose (emails have no browser to ask)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.emails import compose
from needlecare.jobs.settings import JobsSettings
from needlecare.storage.enums import Role
from needlecare.storage.models import OutboxMessage, Patient, User
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork
from translation.untranslated import untranslated

from .conftest import Clock, SmtpServer, add_patient, make_worker, set_clinic_plan, utc
from .test_reminders import DAY1_DUE, RECORDED, TREATED


def _with_login(factory: sessionmaker[Session], patient_id: int, language: str | None) -> None:
    with UnitOfWork(factory) as uow:
        user = User(
            email=f"robin-{patient_id}@example.org",
            password_hash="not-a-hash",
            role=Role.PATIENT,
            clinic_id=None,
            display_name="Robin Example",
            language=language,
        )
        uow.session.add(user)
        uow.flush()
        uow.session.execute(update(Patient).where(Patient.id == patient_id).values(user_id=user.id))
        uow.commit()


def _reminder_for(
    factory: sessionmaker[Session],
    clinic_id: int,
    jobs_settings: JobsSettings,
    smtp_server: SmtpServer,
    language: str | None,
) -> tuple[str, str, str]:
    set_clinic_plan(factory, clinic_id, offsets=[1], local_time="09:00", timezone="Europe/London")
    patient_id, _ = add_patient(
        factory, clinic_id=clinic_id, treatment_date=TREATED, recorded_at=RECORDED
    )
    _with_login(factory, patient_id, language)
    clock = Clock(DAY1_DUE + timedelta(minutes=1))
    make_worker(factory, jobs_settings, clock).run_once()
    (message,) = smtp_server.messages
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return str(message["Subject"]), text, html


def test_the_worker_mails_a_reminder_in_the_chosen_language(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    subject, text, html = _reminder_for(factory, clinic.alder_id, jobs_settings, smtp_server, "es")
    assert subject == "Tu control diario de NeedleCare"
    assert "Es el día 1 después de tu tratamiento" in text
    assert '<html lang="es">' in html
    assert untranslated(text) == [] and untranslated(html) == []


def test_without_a_choice_the_reminder_is_english(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings, smtp_server: SmtpServer
) -> None:
    subject, text, html = _reminder_for(factory, clinic.alder_id, jobs_settings, smtp_server, None)
    assert subject == "Your daily NeedleCare check-in"
    assert "It is day 1 after your treatment" in text
    assert '<html lang="en">' in html


def test_a_clinic_message_email_is_in_the_chosen_language(
    factory: sessionmaker[Session], clinic, jobs_settings: JobsSettings
) -> None:
    patient_id, _ = add_patient(
        factory, clinic_id=clinic.alder_id, treatment_date=TREATED, recorded_at=RECORDED
    )
    _with_login(factory, patient_id, "es")
    with factory() as session:
        row = OutboxMessage(
            kind=MessageKind.CLINIC_MESSAGE,
            recipient="robin@example.org",
            clinic_id=clinic.alder_id,
            patient_id=patient_id,
            payload={},
            created_at=utc(2027, 3, 28, 8),
        )
        message = compose(session, row, jobs_settings)
    assert message["Subject"] == "Tu clínica te ha enviado un mensaje"
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert "te ha enviado un mensaje en NeedleCare" in body
        assert untranslated(body) == [], part
