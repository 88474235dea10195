"""An urgent alert nobody acknowledged within the clinic's time: the admins are emailed,
once, whatever the number of passes or workers; acknowledged or milder alerts are not."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.emails import compose
from needlecare.jobs.overdue import notify_overdue_urgent
from needlecare.services import auth, checkins
from needlecare.services.checkins import CheckinCreate
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.models import Alert, Clinic
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork

from .conftest import jobs_settings_for, outbox

URGENT = {"redness": 3, "swelling": 3, "breathing_difficulty": True, "facial_swelling": True}
CONTACT = {"redness": 2, "fever": True}


def _raise(
    factory: sessionmaker[Session], world: Any, symptoms: dict[str, Any], at: datetime
) -> int:
    uow = UnitOfWork(factory)
    actor = auth.principal_for_token(uow, world.pat.token)
    outcome = checkins.submit_checkin(
        uow, actor, world.patients["pat"], CheckinCreate(symptoms=symptoms), now=at
    )
    assert outcome.alert_id is not None
    return outcome.alert_id


def _overdue_mail(factory: sessionmaker[Session]) -> list[Any]:
    return [m for m in outbox(factory) if m.kind is MessageKind.URGENT_OVERDUE]


def test_admins_are_emailed_once_when_an_urgent_alert_waits_too_long(
    factory: sessionmaker[Session], world: Any, settings: Any
) -> None:
    raised = datetime.now(UTC) - timedelta(minutes=40)
    urgent = _raise(factory, world, URGENT, raised)
    _raise(factory, world, CONTACT, raised)  # contact_clinic: never escalated this way

    assert notify_overdue_urgent(factory, raised + timedelta(minutes=29)) == 0
    assert _overdue_mail(factory) == []
    assert notify_overdue_urgent(factory, raised + timedelta(minutes=31)) == 1
    assert notify_overdue_urgent(factory, raised + timedelta(minutes=60)) == 0
    (mail,) = _overdue_mail(factory)
    assert mail.recipient == world.alice.email  # the admin, not the clinician
    assert mail.payload == {"alert_id": urgent}

    message = compose(factory(), mail, jobs_settings_for(2525, settings.secret_key))
    text = message.get_body(("plain",)).get_content()
    assert "30 minutes" in text and "Pat" not in text and "breathing" not in text


def test_the_clinic_sets_the_time_and_acknowledged_alerts_are_not_escalated(
    factory: sessionmaker[Session], world: Any
) -> None:
    with UnitOfWork(factory) as uow:
        uow.session.execute(
            update(Clinic).where(Clinic.id == world.alder_id).values(urgent_ack_minutes=10)
        )
        uow.commit()
    raised = datetime.now(UTC) - timedelta(minutes=15)
    first = _raise(factory, world, URGENT, raised)
    second = _raise(factory, world, URGENT, raised + timedelta(seconds=1))
    with UnitOfWork(factory) as uow:
        uow.session.execute(update(Alert).where(Alert.id == second).values(state="acknowledged"))
        uow.commit()
    assert notify_overdue_urgent(factory, raised + timedelta(minutes=11)) == 1
    assert [m.payload["alert_id"] for m in _overdue_mail(factory)] == [first]


def test_two_workers_racing_queue_one_email(
    factory: sessionmaker[Session], world: Any, settings: Any
) -> None:
    raised = datetime.now(UTC) - timedelta(hours=1)
    for _ in range(5):
        _raise(factory, world, URGENT, raised)
    engines = [make_engine(settings.database_url) for _ in range(2)]
    results: list[int] = []
    try:
        factories = [make_session_factory(e) for e in engines]

        def escalate(each: sessionmaker[Session]) -> None:
            results.append(notify_overdue_urgent(each, raised + timedelta(minutes=45)))

        threads = [threading.Thread(target=escalate, args=(f,)) for f in factories]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for e in engines:
            e.dispose()
    assert sum(results) == 5
    assert len(_overdue_mail(factory)) == 5
    with UnitOfWork(factory).reading() as uow:
        marks = uow.session.scalars(select(Alert.overdue_notified_at)).all()
    assert all(mark is not None for mark in marks)
