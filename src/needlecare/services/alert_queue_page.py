"""What the clinic's alerts page shows, read in one unit of work with its viewer: a page of the
queue (one audit row, as `alert_queue.queue`), whom an alert can be assigned to, and the
clinic's contact (the page says what is missing from it). It used to be five units of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from needlecare.services import alert_queue, alert_queue_actions
from needlecare.services.alert_queue import QueueFilter, QueueRow
from needlecare.services.clinic_settings import ClinicContact, contact_of
from needlecare.services.pagination import Page
from needlecare.services.scope import require_staff
from needlecare.services.viewer import PageViewer, Shown, Visit, note_seen, viewer_in
from needlecare.storage.models import Clinic
from needlecare.storage.uow import UnitOfWork


@dataclass(frozen=True)
class AlertsPage:
    page: Page[QueueRow]
    staff: list[tuple[int, str]]  # (user id, name), as `alert_queue_actions.clinicians`
    contact: ClinicContact | None
    viewer: PageViewer  # the staff looking, with the layout's data


def alerts_page(
    uow: UnitOfWork,
    visit: Visit,
    shown: Shown,
    filters: QueueFilter,
    *,
    after: Sequence[Any] | None,
) -> AlertsPage:
    """The alerts page of the staff behind `visit`, read with its viewer (told to `shown`) in
    one unit of work (services.viewer)."""
    with uow.reading():
        seen = viewer_in(uow, visit, "staff", shown)
        actor = seen.principal
        clinic_id = require_staff(actor)
        page = alert_queue.queue_page_in(uow, actor, filters, after=after)
        staff = alert_queue_actions.clinicians_in(uow.session, clinic_id)
        clinic = uow.session.get(Clinic, clinic_id)
        contact = contact_of(clinic) if clinic is not None else None
        uow.start_writes()  # on SQLite the write lock waits only for these writes
        note_seen(uow, seen)
        alert_queue.record_list_read(uow, actor)
        uow.commit()
    return AlertsPage(page, staff, contact, seen)
