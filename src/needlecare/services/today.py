"""What the patient's Today page shows, read in one unit of work with one audit row.

The page used to call five services (treatments, their timeline, the zones, check-ins, the
message thread), each its own transaction with its own audit row: 4 commits per view. On
SQLite with synchronous=FULL every commit waits for the disk, so commits per second are the
scarce resource. Here the same reads happen in one transaction, recorded once as
`today.read` (one row says who read which patient's Today, and when). The viewer (the login
behind the session and the layout's data) is read in the same unit of work: a Today view is
one unit (services.viewer), whose reads run without SQLite's write lock; only the audit row
and the "read" marks of the messages shown wait for it (`UnitOfWork.start_writes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from needlecare.services import audit, clock, domain, messages, protocols
from needlecare.services.messages import MessageView
from needlecare.services.scope import patient_for
from needlecare.services.treatment_in_force import treatment_in_force
from needlecare.services.viewer import PageViewer, Shown, Visit, note_seen, viewer_in
from needlecare.storage.base import utcnow
from needlecare.storage.models import Checkin, Treatment
from needlecare.storage.uow import UnitOfWork

RECENT_CHECKINS = 20
TODAY_MESSAGES = 3  # the newest messages the Today page shows (the rest: /messages)


@dataclass(frozen=True)
class TodayView:
    today: date  # the patient's local date
    zones: clock.Zones  # to turn instants into the patient's local dates
    treatment: Treatment | None  # the most recent one
    timeline: dict[str, Any] | None  # of that treatment (the domain's timeline contract)
    recent_checkins: Sequence[Checkin]  # the latest RECENT_CHECKINS, oldest first
    thread: list[MessageView]  # the message thread, oldest first (now marked read)
    viewer: PageViewer  # the patient looking, with the layout's data


def today_view(
    uow: UnitOfWork, visit: Visit, shown: Shown, *, now: datetime | None = None
) -> TodayView:
    """The Today page of the patient behind `visit` (Unauthorized without a valid login,
    Forbidden for staff), with its viewer, told to `shown` as soon as it is read."""
    now = now or utcnow()
    with uow.reading():
        session = uow.session
        seen = viewer_in(uow, visit, "patient", shown)
        actor = seen.principal
        assert actor.patient_id is not None  # checked by viewer_in
        patient = patient_for(session, actor, actor.patient_id)
        zones = seen.zones  # the patient's zone chain (clock.patient_zones)
        today = clock.local_today(now, *zones)
        treatment = treatment_in_force(session, patient.id)
        timeline = None
        recent: Sequence[Checkin] = ()
        if treatment is not None:
            windows = protocols.in_force(session, patient.clinic_id).windows
            timeline = domain.timeline(treatment, today, windows)
            recent = session.scalars(
                select(Checkin)
                .where(Checkin.patient_id == patient.id)
                .order_by(Checkin.created_at.desc(), Checkin.id.desc())
                .limit(RECENT_CHECKINS)
            ).all()
        thread = messages.thread_in(session, actor, patient, mark_read=False, newest=TODAY_MESSAGES)
        # On SQLite the write lock waits only for these writes, not for the reads above.
        uow.start_writes()
        note_seen(uow, seen)
        messages.mark_shown_read(uow.session, actor, thread)
        audit.record_for_patient(uow.session, actor, "today.read", "patient", patient.id, patient)
        uow.commit()
    return TodayView(today, zones, treatment, timeline, list(reversed(recent)), thread, seen)
