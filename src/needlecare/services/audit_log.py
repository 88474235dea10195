"""The audit log as a privacy officer reads it (clinic admins): names instead of ids, filters
(person, patient, action, date range), keyset pages on (at, id) newest first, and a CSV of
the filtered view. Reading it and exporting it are audited too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select, tuple_, union_all
from sqlalchemy.orm import Session, aliased

from needlecare.reports.tabular import safe_cell
from needlecare.services import audit, roster
from needlecare.services.errors import Forbidden, Invalid
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import AuditEntry, Patient, User
from needlecare.storage.uow import UnitOfWork

KEY = (AuditEntry.at, AuditEntry.id)
MAX_EXPORT_ROWS = 50_000
CSV_HEADER = (
    "at_utc", "id", "person", "person_id", "role", "action", "object_type", "object_id",
    "patient", "patient_id",
)  # fmt: skip


@dataclass(frozen=True)
class AuditFilter:
    actor_user_id: int | None = None
    patient_id: int | None = None
    action: str = ""  # an exact action, or a family ending in "." ("checkin.")
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    before_id: int | None = None  # the API's older paging, kept for its callers

    def check(self) -> AuditFilter:
        """The filter with aware instants (a naive one is UTC); Invalid if it makes no sense."""
        since, until = _aware(self.since), _aware(self.until)
        if since and until and since >= until:
            raise Invalid.field("until", "the end of the range must come after its start")
        if len(self.action) > 60:
            raise Invalid.field("action", "at most 60 characters")
        return replace(self, since=since, until=until)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_user_id: int | None
    actor_name: str | None
    actor_role: str
    action: str
    object_type: str
    object_id: str | None
    clinic_id: int | None
    patient_id: int | None
    patient_name: str | None


def _clinic(actor: Principal) -> int:
    if not actor.is_admin or actor.clinic_id is None:
        raise Forbidden("only a clinic admin can read the audit log")
    return actor.clinic_id


def _statement(clinic_id: int, flt: AuditFilter, action: str | None = None) -> Select[Any]:
    """The filtered rows; `action` replaces the filter's (one member of a family)."""
    query = select(AuditEntry).where(AuditEntry.clinic_id == clinic_id)
    if flt.actor_user_id is not None:
        query = query.where(AuditEntry.actor_user_id == flt.actor_user_id)
    if flt.patient_id is not None:
        query = query.where(AuditEntry.patient_id == flt.patient_id)
    action = flt.action if action is None else action
    if action.endswith("."):
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    elif action:
        query = query.where(AuditEntry.action == action)
    if flt.since is not None:
        query = query.where(AuditEntry.at >= flt.since)
    if flt.until is not None:
        query = query.where(AuditEntry.at < flt.until)
    if flt.before_id is not None:
        query = query.where(AuditEntry.id < flt.before_id)
    return query


def _walk(
    clinic_id: int, flt: AuditFilter, action: str, after: Sequence[Any] | None, limit: int
) -> Select[Any]:
    """The ids of one action's next `limit` rows, newest first, on its own index."""
    walk = _statement(clinic_id, flt, action).with_only_columns(AuditEntry.id)
    if after is not None:
        walk = walk.where(tuple_(*KEY) < tuple_(*after))
    return walk.order_by(*(c.desc() for c in KEY)).limit(limit)


def _page_statement(
    clinic_id: int, flt: AuditFilter, after: Sequence[Any] | None, limit: int
) -> Select[Any]:
    """The statement `keyset_page` reads a page from. A family ("checkin.") is its known
    actions (services.audit.ACTIONS), read as one short newest-first walk per action on
    (clinic_id, action, at, id) and merged: a page costs its own rows whatever the size of
    the log or the rarity of the family (a prefix match walks the clinic's rows from the
    newest until it has a page). With a patient, the patient's own rows are few."""
    members = [a for a in audit.ACTIONS if a.startswith(flt.action)] if flt.action else []
    if not flt.action.endswith(".") or not members or flt.patient_id is not None:
        return _statement(clinic_id, flt)
    walks = [
        select(_walk(clinic_id, flt, action, after, limit + 1).subquery().c.id)
        for action in members
    ]
    return select(AuditEntry).where(AuditEntry.id.in_(union_all(*walks)))


def _names(
    session: Session, clinic_id: int, entries: Sequence[AuditEntry]
) -> tuple[dict[int, str], dict[int, str]]:
    """Display names of the people and (this clinic's) patients the entries name."""
    user_ids = {e.actor_user_id for e in entries if e.actor_user_id is not None}
    patient_ids = {e.patient_id for e in entries if e.patient_id is not None}
    people: dict[int, str] = {}
    patients: dict[int, str] = {}
    if user_ids:
        rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
        people = {row.id: row.display_name for row in rows}
    if patient_ids:
        rows = session.execute(
            select(Patient.id, Patient.display_name).where(
                Patient.id.in_(patient_ids), Patient.clinic_id == clinic_id
            )
        )
        patients = {row.id: row.display_name for row in rows}
    return people, patients


def _row(e: AuditEntry, person: str | None, patient: str | None) -> AuditRow:
    return AuditRow(
        id=e.id,
        at=e.at,
        actor_user_id=e.actor_user_id,
        actor_name=person if e.actor_user_id else None,
        actor_role=e.actor_role,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        clinic_id=e.clinic_id,
        patient_id=e.patient_id,
        patient_name=patient if e.patient_id else None,
    )


def _rows(session: Session, clinic_id: int, entries: Sequence[AuditEntry]) -> list[AuditRow]:
    people, patients = _names(session, clinic_id, entries)
    return [
        _row(e, people.get(e.actor_user_id or 0), patients.get(e.patient_id or 0)) for e in entries
    ]


def search(
    uow: UnitOfWork,
    actor: Principal,
    flt: AuditFilter,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[AuditRow]:
    """One page of the clinic's audit log, newest first, with names. Audited (audit.list)."""
    clinic_id = _clinic(actor)
    flt = flt.check()
    with uow:
        statement = _page_statement(clinic_id, flt, after, limit)
        page = keyset_page(uow.session, statement, KEY, after=after, limit=limit, descending=True)
        rows = _rows(uow.session, clinic_id, page.items)
        audit.record(uow.session, actor, "audit.list", "audit_log", None, clinic_id=clinic_id)
        uow.commit()
        return Page(rows, page.after)


@dataclass(frozen=True)
class Choices:
    """What the filters offer, bounded whatever the clinic's size: the clinic's staff (id,
    name; patients act on their own records, found by the patient filter), the patient and
    person already chosen, and the known actions with their families."""

    people: list[tuple[int, str]]
    patients: list[tuple[int, str]]
    actions: list[str]


MAX_STAFF_CHOICES = 500
MAX_PATIENT_MATCHES = 10


def choices(
    uow: UnitOfWork,
    actor: Principal,
    *,
    person_id: int | None = None,
    patient_id: int | None = None,
) -> Choices:
    clinic_id = _clinic(actor)
    with uow.reading():
        session = uow.session
        people = session.execute(
            select(User.id, User.display_name)
            .where(
                User.clinic_id == clinic_id,
                (User.role != Role.PATIENT) | (User.id == (person_id or 0)),
            )
            .order_by(User.display_name, User.id)
            .limit(MAX_STAFF_CHOICES)
        ).all()
        patients = session.execute(
            select(Patient.id, Patient.display_name).where(
                Patient.clinic_id == clinic_id, Patient.id == (patient_id or 0)
            )
        ).all()
    return Choices(
        [(r.id, r.display_name) for r in people],
        [(r.id, r.display_name) for r in patients],
        sorted([*audit.ACTIONS, *audit.families()]),
    )


def find_patients(
    uow: UnitOfWork, actor: Principal, text: str, *, limit: int = MAX_PATIENT_MATCHES
) -> list[tuple[int, str]]:
    """The clinic's patients whose name or email contains `text` (the roster's own search),
    by name, at most `limit`: the audit filter's patient lookup."""
    clinic_id = _clinic(actor)
    statement = roster.statement_for(clinic_id, roster.RosterFilter(query=text), utcnow())
    with uow.reading():
        rows = uow.session.execute(
            statement.with_only_columns(Patient.id, Patient.display_name)
            .order_by(Patient.display_name, Patient.id)
            .limit(limit)
        ).all()
    return [(r.id, r.display_name) for r in rows]


def _csv_lines(rows: Iterable[AuditRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        values = (
            r.at.isoformat(), r.id, r.actor_name or "", r.actor_user_id or "", r.actor_role,
            r.action, r.object_type, r.object_id or "", r.patient_name or "", r.patient_id or "",
        )  # fmt: skip
        writer.writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def export_csv(uow: UnitOfWork, actor: Principal, flt: AuditFilter) -> tuple[str, bool]:
    """The filtered view as CSV (newest first, at most MAX_EXPORT_ROWS; the flag says it was
    cut short). Audited (audit.export)."""
    clinic_id = _clinic(actor)
    flt = flt.check()
    filtered = _statement(clinic_id, flt).subquery()
    entry = aliased(AuditEntry, filtered)
    # One joined read: names for every row without an IN list of thousands of ids.
    query = (
        select(entry, User.display_name, Patient.display_name)
        .outerjoin(User, User.id == entry.actor_user_id)
        .outerjoin(Patient, (Patient.id == entry.patient_id) & (Patient.clinic_id == clinic_id))
        .order_by(entry.at.desc(), entry.id.desc())
        .limit(MAX_EXPORT_ROWS + 1)
    )
    with uow:
        found = uow.session.execute(query).all()
        rows = [_row(e, person, patient) for e, person, patient in found[:MAX_EXPORT_ROWS]]
        audit.record(uow.session, actor, "audit.export", "audit_log", None, clinic_id=clinic_id)
        uow.commit()
    return _csv_lines(rows), len(found) > MAX_EXPORT_ROWS
