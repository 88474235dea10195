"""The clinic's patient page data (services.patient_record, issue 20): each list newest first
from its own cursor, no row lost or repeated while rows are added, one audit row; on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api_helpers import submit
from sqlalchemy import select

from conftest import World
from needlecare.services import auth, messages, notes, patient_record
from needlecare.storage.models import AuditEntry
from needlecare.storage.uow import UnitOfWork


def test_each_list_pages_newest_first_and_loses_nothing_while_rows_arrive(
    uow: UnitOfWork, world: World
) -> None:
    bob = auth.principal_for_token(uow, world.bob.token)
    pid = world.patients["pat"]
    for n in range(5):
        notes.add_note(uow, bob, pid, f"note {n}")
        messages.send_to_patient(uow, bob, pid, f"message {n}")
        submit(uow, world, "pat", "pat", {"redness": 1}, hours_ago=20 - n)
    cursors = patient_record.Cursors(checkin_limit=2, note_limit=2, message_limit=2)
    first = patient_record.patient_record(uow, bob, pid, cursors)
    assert [n.body for n in first.notes.items] == ["note 4", "note 3"]
    assert [m.body for m in first.thread.items] == ["message 4", "message 3"]
    assert first.treatments and first.timeline is not None and first.shelf.entries == []

    seen: dict[str, list[object]] = {"notes": [], "messages": [], "checkins": []}
    record, added = first, 0
    while True:
        seen["notes"] += [n.body for n in record.notes.items]
        seen["messages"] += [m.body for m in record.thread.items]
        seen["checkins"] += [c.id for c in record.checkins.items]
        after = (record.notes.after, record.thread.after, record.checkins.after)
        if None in after:  # five of each, two a page: all three lists end together
            assert after == (None, None, None)
            break
        # Newer rows arrive between pages: ahead of every cursor, none shows on these pages.
        notes.add_note(uow, bob, pid, f"late note {added}")
        messages.send_to_patient(uow, bob, pid, f"late message {added}")
        submit(uow, world, "pat", "pat", {"redness": 0})
        added += 1
        record = patient_record.patient_record(
            uow, bob, pid,
            patient_record.Cursors(
                checkins=after[2], notes=after[0], messages=after[1],
                checkin_limit=2, note_limit=2, message_limit=2,
            ),
        )  # fmt: skip
    assert seen["notes"] == [f"note {n}" for n in range(4, -1, -1)]
    assert seen["messages"] == [f"message {n}" for n in range(4, -1, -1)]
    assert len(seen["checkins"]) == len(set(seen["checkins"])) == 5
    with uow.reading():
        actions = uow.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.actor_user_id == bob.user_id,
                AuditEntry.at >= datetime.now(UTC) - timedelta(minutes=5),
                AuditEntry.action.in_(["patient.read", "note.list", "message.list"]),
            )
        ).all()
    assert set(actions) == {"patient.read"}  # one row per view, the lists included
