"""Messages: one thread per patient between the patient and their clinic, each message
optionally about an alert. Staff write from the alert or the patient page; the patient reads
on Today (and gets an email that says only that there is a message) and can reply.

Every read and write is audited and tenant-scoped like the patient record itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from needlecare.services import audit, notifications
from needlecare.services.errors import Conflict, Forbidden, Invalid, NotFound
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import alert_for, patient_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.enums import AlertState
from needlecare.storage.models import Alert, Message, Patient, User
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork

MAX_BODY = 5000


@dataclass(frozen=True)
class MessageView:
    id: int
    patient_id: int
    alert_id: int | None
    from_clinic: bool
    author_name: str
    body: str
    created_at: datetime
    read_at: datetime | None


def checked_body(body: str, field: str = "body") -> str:
    body = body.strip()
    if not body or len(body) > MAX_BODY:
        raise Invalid.field(field, f"write a message of 1 to {MAX_BODY} characters")
    return body


def _patient_recipient(uow: UnitOfWork, patient: Patient) -> str | None:
    # The address they log in with first (it is known to work), else the one the clinic typed.
    if patient.user_id is not None:
        user = uow.session.get(User, patient.user_id)
        if user is not None and user.is_active:
            return user.email
    return patient.email


def send_to_patient(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    body: str,
    *,
    alert_id: int | None = None,
) -> Message:
    """A staff member writes to a patient of their clinic; the patient is emailed a notice."""
    require_staff(actor)
    body = checked_body(body)
    now = utcnow()
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        if (
            alert_id is not None
            and alert_for(uow.session, actor, alert_id).patient_id != patient.id
        ):
            raise NotFound("alert")
        assert patient.clinic_id is not None  # staff only see their clinic's patients
        message = Message(
            clinic_id=patient.clinic_id,
            patient_id=patient.id,
            alert_id=alert_id,
            author_id=actor.user_id,
            from_clinic=True,
            body=body,
            created_at=now,
        )
        uow.session.add(message)
        uow.flush()
        audit.record_for_patient(
            uow.session, actor, "message.create", "message", message.id, patient
        )
        recipient = _patient_recipient(uow, patient)
        if recipient:
            notifications.enqueue(
                uow.session,
                kind=MessageKind.CLINIC_MESSAGE,
                recipient=recipient,
                dedupe_key=f"message:{message.id}",
                payload={"message_id": message.id},
                clinic_id=patient.clinic_id,
                patient_id=patient.id,
                now=now,
            )
        uow.commit()
        return message


def _newest_active_alert(uow: UnitOfWork, patient_id: int) -> int | None:
    return uow.session.scalar(
        select(Alert.id)
        .where(Alert.patient_id == patient_id, Alert.state != AlertState.RESOLVED)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(1)
    )


def send_to_clinic(uow: UnitOfWork, actor: Principal, body: str) -> Message:
    """A patient writes to their clinic (linked to their newest unresolved alert, if any)."""
    if not actor.is_patient or actor.patient_id is None:
        raise Forbidden("patients write to their clinic here; staff reply from the patient page")
    body = checked_body(body)
    with uow:
        patient = patient_for(uow.session, actor, actor.patient_id)
        if patient.clinic_id is None:
            raise Conflict("your account is not linked to a clinic, so there is no one to write to")
        message = Message(
            clinic_id=patient.clinic_id,
            patient_id=patient.id,
            alert_id=_newest_active_alert(uow, patient.id),
            author_id=actor.user_id,
            from_clinic=False,
            body=body,
            created_at=utcnow(),
        )
        uow.session.add(message)
        uow.flush()
        audit.record_for_patient(
            uow.session, actor, "message.create", "message", message.id, patient
        )
        uow.commit()
        return message


def _view(message: Message, author_name: str) -> MessageView:
    return MessageView(
        id=message.id,
        patient_id=message.patient_id,
        alert_id=message.alert_id,
        from_clinic=message.from_clinic,
        author_name=author_name,
        body=message.body,
        created_at=message.created_at,
        read_at=message.read_at,
    )


def thread(
    uow: UnitOfWork, actor: Principal, patient_id: int, *, mark_read: bool = True
) -> list[MessageView]:
    """The patient's thread, oldest first. Reading it marks the other side's messages read."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        views = thread_in(uow.session, actor, patient, mark_read=mark_read)
        audit.record_for_patient(uow.session, actor, "message.list", "patient", patient.id, patient)
        uow.commit()
        return views


def thread_in(
    session: Session,
    actor: Principal,
    patient: Patient,
    *,
    mark_read: bool = True,
    newest: int | None = None,
) -> list[MessageView]:
    """`thread` inside the caller's transaction, for a patient the caller has already scoped
    to the actor; the caller audits the read and commits. With `newest`, only that many of
    the latest messages are read (and marked read): a page showing a few costs the same
    however long the thread is."""
    statement = (
        select(Message, User.display_name)
        .join(User, User.id == Message.author_id)
        .where(Message.patient_id == patient.id)
    )
    if newest is None:
        rows = session.execute(statement.order_by(Message.created_at, Message.id)).all()
    else:
        latest = statement.order_by(Message.created_at.desc(), Message.id.desc()).limit(newest)
        rows = list(reversed(session.execute(latest).all()))
    views = [_view(m, name) for m, name in rows]
    if not mark_read:
        return views
    if newest is not None:
        mark_shown_read(session, actor, views)
    elif _unread(actor, views):
        marked = (
            (Message.patient_id == patient.id)
            & Message.from_clinic.is_(actor.is_patient)
            & Message.read_at.is_(None)
        )
        session.execute(update(Message).where(marked).values(read_at=utcnow()))
    return views


def _unread(actor: Principal, views: Sequence[MessageView]) -> list[int]:
    # Staff read what the patient wrote and the patient what the clinic wrote.
    return [v.id for v in views if v.read_at is None and v.from_clinic == actor.is_patient]


def mark_shown_read(session: Session, actor: Principal, views: Sequence[MessageView]) -> None:
    """Inside the caller's transaction: mark read the messages of `views` (as `thread_in`
    read them, maybe in an earlier transaction) that the actor's side had not read; no
    statement when there are none."""
    unread = _unread(actor, views)
    if unread:
        session.execute(
            update(Message)
            .where(Message.id.in_(unread), Message.read_at.is_(None))
            .values(read_at=utcnow())
        )


def thread_page(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
    newest_first: bool = False,
) -> Page[MessageView]:
    """`thread`, `limit` messages at a time after `after` (older ones after it with
    `newest_first`); reading a page marks the other side's messages on it read."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        page = thread_page_in(
            uow.session, actor, patient, after=after, limit=limit, newest_first=newest_first
        )
        audit.record_for_patient(uow.session, actor, "message.list", "patient", patient.id, patient)
        uow.commit()
        return page


def thread_page_in(
    session: Session,
    actor: Principal,
    patient: Patient,
    *,
    after: Sequence[Any] | None,
    limit: int,
    newest_first: bool,
) -> Page[MessageView]:
    """`thread_page` inside the caller's transaction, for a patient the caller has scoped;
    the caller audits the read and commits."""
    page = keyset_page(
        session,
        select(Message).where(Message.patient_id == patient.id),
        (Message.created_at, Message.id),
        after=after,
        limit=limit,
        descending=newest_first,
    )
    authors = {m.author_id for m in page.items}
    names = (
        dict(session.execute(select(User.id, User.display_name).where(User.id.in_(authors))).all())
        if authors
        else {}
    )
    views = [_view(m, names.get(m.author_id, "")) for m in page.items]
    unread = [v.id for v in views if v.read_at is None and v.from_clinic == actor.is_patient]
    if unread:
        session.execute(update(Message).where(Message.id.in_(unread)).values(read_at=utcnow()))
    return Page(views, page.after)


def unread_for_patient(uow: UnitOfWork, actor: Principal) -> int:
    """Messages from the clinic the patient has not opened yet."""
    if actor.patient_id is None:
        return 0
    with uow.reading():
        return int(
            uow.session.scalar(
                select(func.count(Message.id)).where(
                    Message.patient_id == actor.patient_id,
                    Message.from_clinic.is_(True),
                    Message.read_at.is_(None),
                )
            )
            or 0
        )


def unread_by_patient(uow: UnitOfWork, actor: Principal) -> dict[int, int]:
    """Staff: patient id -> messages from that patient nobody at the clinic has opened yet."""
    clinic_id = require_staff(actor)
    with uow.reading():
        rows = uow.session.execute(unread_query(clinic_id)).all()
    return {patient_id: count for patient_id, count in rows}


def unread_query(clinic_id: int) -> Select[int, int]:
    """(patient id, count) of the patients' messages nobody at the clinic has opened yet."""
    return (
        select(Message.patient_id, func.count(Message.id))
        .where(
            Message.clinic_id == clinic_id,
            Message.from_clinic.is_(False),
            Message.read_at.is_(None),
        )
        .group_by(Message.patient_id)
    )


def clinic_messages(uow: UnitOfWork, actor: Principal) -> Sequence[Message]:
    """Every message of the actor's clinic, oldest first (for exports); audited."""
    clinic_id = require_staff(actor)
    with uow:
        rows = uow.session.scalars(
            select(Message).where(Message.clinic_id == clinic_id).order_by(Message.id)
        ).all()
        audit.record(uow.session, actor, "message.list", "message", None, clinic_id=clinic_id)
        uow.commit()
        return rows
