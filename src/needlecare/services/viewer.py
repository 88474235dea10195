"""Who is looking at a page, and what the layout shows on every page, read with the page.

A page's viewer is the login behind the session cookie (a `Visit`), checked against the
database, with the layout's data: a patient's red-flag banner and clinic contact, or the staff's
queue counts, and the time zone the page's times are shown in.

The main pages (Today, a check-in's result, the clinic's alerts) read their viewer inside their
own unit of work (`viewer_in` at the start of the page's service): a page view is one unit of
work. The page's service is called from the route, not from a dependency, because FastAPI
resolves a dependency and runs the route in separate thread-pool calls, and a transaction kept
open between them would hold a pooled connection while the request waits for a thread (under
saturation, the pool deadlocks against the thread pool). The other pages take their viewer from
a dependency (`page_viewer`: one read-only unit of its own) before their service's unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from needlecare.i18n import N_
from needlecare.services import alert_queue, auth, care_status, clock
from needlecare.services.alert_queue import QueueCounts
from needlecare.services.care_status import PatientCareStatus
from needlecare.services.errors import Forbidden
from needlecare.services.principal import Principal
from needlecare.storage.uow import UnitOfWork

Need = Literal["anyone", "patient", "staff", "admin"]


@dataclass(frozen=True)
class Visit:
    """What a session cookie claims: its login and the login's session generation at the time
    (checked against the database when the viewer is read)."""

    user_id: int
    session_generation: int | None


@dataclass(frozen=True)
class PageViewer:
    principal: Principal
    care: PatientCareStatus | None  # a patient's banner and clinic contact
    queue_counts: QueueCounts | None  # clinic staff's queue counts
    zones: clock.Zones  # the zone chain times are shown in (empty: UTC)
    last_seen: datetime | None  # the login's "last seen", for `note_seen`


Shown = Callable[[PageViewer], object]  # the caller's hook, told the viewer once it is read


def require(principal: Principal, need: Need) -> Principal:
    """The principal if it may see pages for `need` (Forbidden otherwise)."""
    if need == "patient" and (not principal.is_patient or principal.patient_id is None):
        raise Forbidden(N_("these pages are for patients; staff use the clinic pages"))
    if need in ("staff", "admin") and (not principal.is_staff or principal.clinic_id is None):
        raise Forbidden(N_("these pages are for clinic staff"))
    if need == "admin" and not principal.is_admin:
        raise Forbidden(N_("only a clinic admin can do this"))
    return principal


def viewer_in(uow: UnitOfWork, visit: Visit, need: Need, shown: Shown) -> PageViewer:
    """The viewer's reads inside the caller's (reading) unit of work: Unauthorized when the
    login or the session has ended. `shown` is told the viewer before `need` is checked, so a
    Forbidden page still shows the viewer's layout and language. After `uow.start_writes()`
    the caller calls `note_seen`."""
    session = uow.session
    principal, last_seen = auth.principal_in(session, visit.user_id, visit.session_generation)
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
    seen = PageViewer(principal, care, counts, zones, last_seen)
    shown(seen)
    require(principal, need)
    return seen


def note_seen(uow: UnitOfWork, seen: PageViewer) -> None:
    """In the writes of the page's unit of work: the login's "last seen", at most every
    5 minutes (no statement otherwise)."""
    auth.mark_seen_in(uow.session, seen.principal.user_id, seen.last_seen)


def page_viewer(uow: UnitOfWork, visit: Visit, shown: Shown) -> PageViewer:
    """The viewer in a read-only unit of work of its own (for the pages' dependency), plus
    its "last seen" write when one is due."""
    with uow.reading():
        seen = viewer_in(uow, visit, "anyone", shown)
        if auth.seen_is_due(seen.last_seen):
            uow.start_writes()
            note_seen(uow, seen)
            uow.commit()
    return seen
