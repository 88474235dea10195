"""h19_clinic_timezone moves the clinic's zone from its reminder-schedule row to the clinic
itself, and back on a downgrade, without losing it (both databases)."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import text

from needlecare.storage.migrate import alembic_config, upgrade
from needlecare.storage.models import Clinic, ClinicReminderSettings
from needlecare.storage.uow import UnitOfWork


def test_the_clinic_zone_survives_a_downgrade_and_an_upgrade(
    database_url: str, uow: UnitOfWork, world: Any
) -> None:
    with uow:
        uow.session.get_one(Clinic, world.alder_id).timezone = "Asia/Tokyo"
        uow.session.add(
            ClinicReminderSettings(clinic_id=world.alder_id, day_offsets=[1], local_time="09:00")
        )
        uow.commit()
    command.downgrade(alembic_config(database_url), "h20_audit")
    with uow.reading():
        rows = dict(
            uow.session.execute(
                text("SELECT clinic_id, timezone FROM clinic_reminder_settings")
            ).all()
        )
    assert rows == {world.alder_id: "Asia/Tokyo"}  # back in the schedule row
    upgrade(database_url)
    with uow.reading():
        zones = dict(uow.session.execute(text("SELECT id, timezone FROM clinic")).all())
    assert zones[world.alder_id] == "Asia/Tokyo"
    assert zones[world.birch_id] is None  # no schedule row, no zone: UTC
