"""Emails built from an outbox row when it is sent: subject (never health details), a
plain-text and an HTML body (Jinja2, HTML autoescaped), links behind the login.

The outbox holds ids only; what the email says is read now, so a resolved alert or a paused
treatment is not mailed any more."""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from needlecare.i18n import N_, localize, resolve_locale, speaking
from needlecare.i18n_templates import install_i18n
from needlecare.jobs.settings import JobsSettings
from needlecare.services.clinic_logo import logo_in
from needlecare.services.notifications import pause_token
from needlecare.storage.base import utcnow
from needlecare.storage.enums import AlertState, Level
from needlecare.storage.models import Alert, Clinic, Patient, ReminderPause, Treatment, User
from needlecare.storage.models.jobs import MessageKind, OutboxMessage

# Patients' subjects are translated into the person's language (N_); the clinic's stay English.
DAILY_SUBJECT = N_("Your daily NeedleCare check-in")
LATER_SUBJECT = N_("Your NeedleCare check-in")
PRODUCT_BACK_SUBJECT = N_("A product on your shelf may come back today")
ALERT_SUBJECT = "A patient needs attention"  # never the level, a name or a symptom
MISSED_SUBJECT = "A patient missed a check-in"
MESSAGE_SUBJECT = N_("Your clinic sent you a message")  # never the text: behind the login
OVERDUE_SUBJECT = "An urgent alert is waiting to be acknowledged"
RESET_SUBJECT = N_("Set a new NeedleCare password")
CHANGED_SUBJECT = N_("Your NeedleCare password was changed")
LAST_DAILY_DAY = 7


class NoLongerWanted(Exception):
    """The message should not be sent any more (the reason is recorded on the row)."""


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("needlecare.jobs", "templates/emails"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,  # packaged templates: they change only with a release
    )
    return install_i18n(env)


# The clinic's logo in the HTML part (an inline image, cid:), set by `compose` while it builds
# one message: no builder needs to know about it, and no remote image is ever loaded.
_LOGO_SRC: ContextVar[str | None] = ContextVar("needlecare_email_logo", default=None)
LOGO_CID = "clinic-logo"


def _render(name: str, context: dict[str, Any], locale: str = "en") -> tuple[str, str]:
    env = _environment()
    with speaking(locale) as language:
        context = {**context, "locale": language}
        return (
            env.get_template(f"{name}.txt").render(context),
            env.get_template(f"{name}.html").render({**context, "logo_src": _LOGO_SRC.get()}),
        )


def _language_of(session: Session, user_id: int | None) -> str:
    """The language a person chose (emails have no browser to ask): English otherwise."""
    if user_id is None:
        return "en"
    user = session.get(User, user_id)
    return resolve_locale(user.language if user is not None else None)


def _clinic_name(session: Session, clinic_id: int | None) -> str:
    clinic = session.get(Clinic, clinic_id) if clinic_id is not None else None
    return clinic.name if clinic else "NeedleCare"


def _reminder_target(
    session: Session, row: OutboxMessage, settings: JobsSettings
) -> tuple[Treatment, Patient, int, str]:
    """The treatment, patient and day of a message on the reminder clock, and its pause link;
    NoLongerWanted when the treatment or patient is gone or reminders are paused."""
    treatment = session.get(Treatment, int(row.payload["treatment_id"]))
    if treatment is None:
        raise NoLongerWanted("treatment deleted")
    if session.get(ReminderPause, treatment.id) is not None:
        raise NoLongerWanted("reminders paused")
    patient = session.get(Patient, treatment.patient_id)
    if patient is None:
        raise NoLongerWanted("patient deleted")
    pause_url = (
        f"{settings.base_url}/reminders/pause/{pause_token(settings.secret_key, treatment.id)}"
    )
    return treatment, patient, int(row.payload["day"]), pause_url


def _unsubscribe_headers(pause_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{pause_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
    }


def _reminder(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    _, patient, day, pause_url = _reminder_target(session, row, settings)
    locale = _language_of(session, patient.user_id)
    text, html = _render(
        "reminder",
        {
            "name": patient.display_name,
            "day": day,
            "clinic": _clinic_name(session, patient.clinic_id),
            "checkin_url": f"{settings.base_url}/checkin",
            "pause_url": pause_url,
        },
        locale,
    )
    subject = DAILY_SUBJECT if day <= LAST_DAILY_DAY else LATER_SUBJECT
    return Email(localize(locale, subject), text, html, _unsubscribe_headers(pause_url))


def _checkin_alert(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    alert = session.get(Alert, int(row.payload["alert_id"]))
    if alert is None:
        raise NoLongerWanted("alert deleted")
    if alert.state is AlertState.RESOLVED:
        raise NoLongerWanted("alert already resolved")
    text, html = _render(
        "checkin_alert",
        {
            "clinic": _clinic_name(session, alert.clinic_id),
            "same_day": alert.level is Level.URGENT,
            "alerts_url": f"{settings.base_url}/clinic/alerts",
        },
    )
    return Email(ALERT_SUBJECT, text, html, {})


def _missed(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    patient_id = row.patient_id
    if patient_id is None or session.get(Patient, patient_id) is None:
        raise NoLongerWanted("patient deleted")
    text, html = _render(
        "missed_checkin",
        {
            "clinic": _clinic_name(session, row.clinic_id),
            "day": int(row.payload["day"]),
            "patient_url": f"{settings.base_url}/clinic/patients/{patient_id}",
        },
    )
    return Email(MISSED_SUBJECT, text, html, {})


def _clinic_message(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    patient = session.get(Patient, row.patient_id) if row.patient_id is not None else None
    if patient is None:
        raise NoLongerWanted("patient deleted")
    locale = _language_of(session, patient.user_id)
    text, html = _render(
        "clinic_message",
        {"clinic": _clinic_name(session, row.clinic_id), "today_url": f"{settings.base_url}/today"},
        locale,
    )
    return Email(localize(locale, MESSAGE_SUBJECT), text, html, {})


def _urgent_overdue(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    alert = session.get(Alert, int(row.payload["alert_id"]))
    if alert is None:
        raise NoLongerWanted("alert deleted")
    if alert.state is not AlertState.OPEN:
        raise NoLongerWanted("alert acknowledged meanwhile")
    clinic = session.get(Clinic, alert.clinic_id)
    text, html = _render(
        "urgent_overdue",
        {
            "clinic": clinic.name if clinic else "NeedleCare",
            "minutes": clinic.urgent_ack_minutes if clinic else 30,
            "alerts_url": f"{settings.base_url}/clinic/alerts?level=urgent&state=open",
        },
    )
    return Email(OVERDUE_SUBJECT, text, html, {})


def _product_back(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    from needlecare.services.shelf import returning_on

    treatment, patient, day, pause_url = _reminder_target(session, row, settings)
    products = returning_on(session, patient, treatment, day)
    if not products:
        raise NoLongerWanted("no product comes back that day any more")
    locale = _language_of(session, patient.user_id)
    text, html = _render(
        "product_back",
        {
            "name": patient.display_name,
            "day": day,
            "products": products,
            "clinic": _clinic_name(session, patient.clinic_id),
            "shelf_url": f"{settings.base_url}/products/mine",
            "pause_url": pause_url,
        },
        locale,
    )
    return Email(
        localize(locale, PRODUCT_BACK_SUBJECT), text, html, _unsubscribe_headers(pause_url)
    )


def _password_reset(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    from needlecare.services.account_links import LIFETIME, RESET, emailed_link

    found = emailed_link(session, int(row.payload["link_id"]), settings.secret_key)
    if found is None:
        raise NoLongerWanted("link used, expired or account deactivated")
    token, user = found
    minutes = int(LIFETIME[RESET].total_seconds() // 60)
    locale = _language_of(session, user.id)
    text, html = _render(
        "password_reset",
        {
            "name": user.display_name,
            "clinic": _clinic_name(session, user.clinic_id),
            "reset_url": f"{settings.base_url}/account/password/{token}",
            "forgot_url": f"{settings.base_url}/password/forgot",
            "minutes": minutes,
        },
        locale,
    )
    # The link is a credential: it must not be handed to another site as a Referer.
    return Email(localize(locale, RESET_SUBJECT), text, html, {})


def _password_changed(session: Session, row: OutboxMessage, settings: JobsSettings) -> Email:
    user = session.get(User, int(row.payload["user_id"]))
    if user is None or not user.is_active:
        raise NoLongerWanted("account deleted or deactivated")
    locale = _language_of(session, user.id)
    text, html = _render(
        "password_changed",
        {
            "name": user.display_name,
            "clinic": _clinic_name(session, user.clinic_id),
            "forgot_url": f"{settings.base_url}/password/forgot",
        },
        locale,
    )
    return Email(localize(locale, CHANGED_SUBJECT), text, html, {})


_BUILDERS = {
    MessageKind.REMINDER: _reminder,
    MessageKind.CHECKIN_ALERT: _checkin_alert,
    MessageKind.MISSED_CHECKIN: _missed,
    MessageKind.CLINIC_MESSAGE: _clinic_message,
    MessageKind.URGENT_OVERDUE: _urgent_overdue,
    MessageKind.PRODUCT_BACK: _product_back,
    MessageKind.PASSWORD_RESET: _password_reset,
    MessageKind.PASSWORD_CHANGED: _password_changed,
}


def message_id(row_id: int, settings: JobsSettings) -> str:
    """Stable per outbox row: a retry after an unknown outcome carries the same Message-ID,
    so the receiving side (and a person) can tell it is the same message."""
    install = hashlib.sha256(settings.base_url.encode()).hexdigest()[:8]
    return f"<needlecare.outbox.{row_id}.{install}@{settings.mail_domain}>"


def compose(session: Session, row: OutboxMessage, settings: JobsSettings) -> EmailMessage:
    """The full MIME message for an outbox row; NoLongerWanted if it should not go out."""
    logo = logo_in(session, row.clinic_id)
    token = _LOGO_SRC.set(f"cid:{LOGO_CID}" if logo else None)
    try:
        email = _BUILDERS[row.kind](session, row, settings)
    finally:
        _LOGO_SRC.reset(token)
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = settings.mail_from
    message["To"] = row.recipient
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(row.id, settings)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    if logo is not None:
        html_part = message.get_body(("html",))
        assert isinstance(html_part, EmailMessage)  # the alternative just added
        html_part.add_related(logo.png, maintype="image", subtype="png", cid=f"<{LOGO_CID}>")
    return message
