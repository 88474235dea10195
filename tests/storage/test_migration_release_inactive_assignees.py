"""h23_release_inactive_assignees: alerts assigned before deactivation unassigned their holder's
alerts, to someone since deactivated, go back to the queue; others are kept (both databases)."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import select, update

from api.api_helpers import ALLERGY, FEVER, submit
from needlecare.services import queue_entries
from needlecare.storage.migrate import alembic_config, upgrade
from needlecare.storage.models import Alert, AlertQueueEntry, User
from needlecare.storage.uow import UnitOfWork


def test_alerts_of_a_deactivated_login_are_unassigned(
    database_url: str, uow: UnitOfWork, world: Any
) -> None:
    pat = submit(uow, world, "pat", "pat", FEVER, hours_ago=2)
    pat_later = submit(uow, world, "pat", "pat", ALLERGY, hours_ago=1)
    quinn = submit(uow, world, "bob", "quinn", FEVER)
    with uow:  # as before the fix: bob deactivated while holding pat's row
        session = uow.session
        session.execute(
            update(Alert).where(Alert.id == pat.alert_id).values(assigned_to=world.bob.user_id)
        )
        session.execute(
            update(Alert)
            .where(Alert.id == pat_later.alert_id)
            .values(assigned_to=world.alice.user_id)
        )
        session.execute(
            update(Alert).where(Alert.id == quinn.alert_id).values(assigned_to=world.bob.user_id)
        )
        session.execute(update(Alert).where(Alert.id == quinn.alert_id).values(state="resolved"))
        session.execute(update(User).where(User.id == world.bob.user_id).values(is_active=False))
        queue_entries.refresh(session, [world.patients["pat"], world.patients["quinn"]])
        session.execute(
            update(AlertQueueEntry)
            .where(AlertQueueEntry.patient_id == world.patients["pat"])
            .values(assigned_to=world.bob.user_id)
        )
        uow.commit()

    command.downgrade(alembic_config(database_url), "h21_shelf_name_key")
    upgrade(database_url)

    with uow.reading():
        assigned = dict(uow.session.execute(select(Alert.id, Alert.assigned_to)).tuples().all())
        row = uow.session.scalars(
            select(AlertQueueEntry.assigned_to).where(
                AlertQueueEntry.patient_id == world.patients["pat"]
            )
        ).one()
    assert assigned[pat.alert_id] is None
    assert assigned[pat_later.alert_id] == world.alice.user_id  # an active holder keeps it
    assert assigned[quinn.alert_id] == world.bob.user_id  # a resolved alert's history stays
    assert row == world.alice.user_id  # the queue row from the alerts still assigned
