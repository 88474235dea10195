"""Who is looking at a page, and what the layout shows on every page, read in one unit of work.

A page's viewer used to cost two or three read-only units of work before the page's own: the
session's user, then the patient's red-flag banner or the staff's queue counts, and on pages
that show times a third for the time zone, opened by the template itself. Here they are one
read-only transaction; the page's own service call is the only other unit of the view.

The page's own call stays a separate unit: FastAPI resolves a dependency and runs the route in
separate thread-pool calls, and a transaction kept open between them would hold a pooled
connection while the request waits for a thread, which under saturation deadlocks the pool
against the thread pool (every thread waiting for a connection held by a request waiting for a
thread).
"""

from __future__ import annotations

from dataclasses import dataclass

from needlecare.services import alert_queue, auth, care_status, clock
from needlecare.services.alert_queue import QueueCounts
from needlecare.services.care_status import PatientCareStatus
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PageViewer:
    principal: Principal
    care: PatientCareStatus | None  # a patient's banner and clinic contact
    queue_counts: QueueCounts | None  # clinic staff's queue counts
    zones: clock.Zones  # the zone chain times are shown in (empty: UTC)


def page_viewer(uow: UnitOfWork, user_id: int, session_generation: int | None) -> PageViewer:
    """The viewer behind a session cookie (Unauthorized when the login or the session has
    ended) with the layout's data, in one read-only unit of work."""
    with uow.reading():
        session = uow.session
        principal, last_seen = auth.principal_in(session, user_id, session_generation)
        care = counts = None
        if principal.is_patient:
            care = care_status.patient_status_in(session, principal)
        elif principal.is_staff and principal.clinic_id is not None:
            counts = alert_queue.counts_in(session, principal)
        zones: clock.Zones = ()
        if principal.patient_id is not None:
            zones = clock.patient_zones(session, principal.patient_id, principal.clinic_id)
        elif principal.clinic_id is not None:
            zones = clock.clinic_zones(session, principal.clinic_id)
    auth.mark_seen(uow, user_id, last_seen)  # its own small write, at most every 5 minutes
    return PageViewer(principal, care, counts, zones)
