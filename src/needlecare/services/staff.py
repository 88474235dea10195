"""A clinic's staff: who they are, their role, when each was last seen (any staff member may
read the list); change a role, deactivate or reactivate a login (admins only). Deactivation
ends the login's sessions and API tokens at once. A clinic always keeps one active admin: the
last one can neither be demoted nor deactivated (not by themself either)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, tuple_
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from needlecare.services import audit, queue_entries
from needlecare.services.auth import end_sessions
from needlecare.services.errors import Conflict, Invalid, NotFound
from needlecare.services.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, invalid_cursor
from needlecare.services.principal import Principal
from needlecare.services.scope import require_admin, require_staff
from needlecare.storage.enums import Role
from needlecare.storage.models import Alert, Clinic, User
from needlecare.storage.uow import UnitOfWork

STAFF_ROLES = (Role.ADMIN, Role.CLINICIAN)
LAST_ADMIN = "the clinic needs at least one active admin: make someone else admin first"


@dataclass(frozen=True)
class StaffMember:
    id: int
    display_name: str
    email: str
    role: Role
    is_active: bool
    created_at: datetime
    last_seen_at: datetime | None
    # Deactivation only: how many patients' alert rows they were assigned, now unassigned.
    released_patients: int = 0


def _member(user: User) -> StaffMember:
    return StaffMember(
        user.id,
        user.display_name,
        user.email,
        user.role,
        user.is_active,
        user.created_at,
        user.last_seen_at,
    )


# The list's order, active first, then by name, then id (unique): computed by the database
# and read back with each row, so the next page starts exactly where SQL's own lower() and
# collation put the last row (Python's str.lower would differ beyond ASCII on SQLite).
_INACTIVE = case((User.is_active, 0), else_=1)
_NAME = func.lower(User.display_name)
STAFF_KEY = (_INACTIVE, _NAME, User.id)


def staff_page(
    uow: UnitOfWork,
    actor: Principal,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[StaffMember]:
    """The clinic's admins and clinicians, active ones first, then by name, `limit` at a time
    after `after` (keyset: a colleague who joins or is renamed meanwhile repeats and skips
    no one else). Clinicians read it too (who to ask, who is an admin); only admins change
    it."""
    clinic_id = require_staff(actor)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("query.limit", f"limit must be from 1 to {MAX_LIMIT}")
    statement = select(User, *STAFF_KEY[:2]).where(
        User.clinic_id == clinic_id, User.role.in_(STAFF_ROLES)
    )
    if after is not None:
        # Signed, but possibly another list's: a key of other types would be a database error.
        if len(after) != 3 or after[0] not in (0, 1) or not isinstance(after[1], str):
            raise invalid_cursor()
        if not isinstance(after[2], int) or isinstance(after[2], bool):
            raise invalid_cursor()
        statement = statement.where(tuple_(*STAFF_KEY) > tuple_(*after))
    with uow.reading():
        rows = uow.session.execute(statement.order_by(*STAFF_KEY).limit(limit + 1)).all()
        members = [_member(row[0]) for row in rows[:limit]]
    if len(rows) <= limit:
        return Page(members, None)
    user, inactive, name = rows[limit - 1]
    return Page(members, (int(inactive), str(name), user.id))


def _target(session: Session, clinic_id: int, user_id: int) -> User:
    # The clinic row is locked first: two admins demoting each other at the same moment
    # must not both pass the "another admin is left" check (SQLite serialises writers).
    session.execute(select(Clinic.id).where(Clinic.id == clinic_id).with_for_update())
    user = session.get(User, user_id)
    if user is None or user.clinic_id != clinic_id or user.role not in STAFF_ROLES:
        raise NotFound("staff member")
    return user


def _other_active_admins(session: Session, clinic_id: int, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.clinic_id == clinic_id,
                User.role == Role.ADMIN,
                User.is_active.is_(True),
                User.id != user_id,
            )
        )
        or 0
    )


def update(
    uow: UnitOfWork,
    actor: Principal,
    user_id: int,
    *,
    role: str | None = None,
    active: bool | None = None,
) -> StaffMember:
    """Change a colleague's role and/or deactivate (every session and API token ends at once)
    or reactivate them, all in one transaction. A role applies to their next request.
    Conflict if the clinic would be left without an active admin."""
    clinic_id = require_admin(actor)
    if role is not None and role not in (Role.ADMIN.value, Role.CLINICIAN.value):
        raise Invalid.field("role", "choose admin or clinician")
    with uow:
        user = _target(uow.session, clinic_id, user_id)
        new_role = Role(role) if role is not None else user.role
        new_active = user.is_active if active is None else active
        released: list[int] = []
        was_admin = user.role is Role.ADMIN and user.is_active
        stays_admin = new_role is Role.ADMIN and new_active
        losing_admin = was_admin and not stays_admin
        if losing_admin and _other_active_admins(uow.session, clinic_id, user.id) == 0:
            raise Conflict(LAST_ADMIN)
        if new_role is not user.role:
            user.role = new_role
            audit.record(
                uow.session,
                actor,
                f"staff.role.{new_role.value}",
                "user_account",
                user.id,
                clinic_id=clinic_id,
            )
        if new_active != user.is_active:
            user.is_active = new_active
            if not new_active:
                end_sessions(uow.session, user.id, revoke_tokens=True)
                released = _release_alerts(uow.session, actor, clinic_id, user.id)
            audit.record(
                uow.session,
                actor,
                "staff.reactivate" if new_active else "staff.deactivate",
                "user_account",
                user.id,
                clinic_id=clinic_id,
            )
        uow.flush()
        uow.session.refresh(user)
        member = _member(user)
        uow.commit()
        return replace(member, released_patients=len(released)) if released else member


def _release_alerts(session: Session, actor: Principal, clinic_id: int, user_id: int) -> list[int]:
    """Unassign a deactivated colleague's unresolved alerts, each patient's row back in the
    queue for anyone: left assigned, an urgent alert waited for someone who can no longer log
    in, while its row showed "Nobody" (their name is no longer offered; round 3). Returns
    the patients whose rows changed."""
    mine = (
        Alert.clinic_id == clinic_id,
        Alert.assigned_to == user_id,
        Alert.state.in_(queue_entries.ACTIVE_STATES),
    )
    alerts = session.execute(select(Alert.id, Alert.patient_id).where(*mine)).all()
    if not alerts:
        return []
    session.execute(sql_update(Alert).where(*mine).values(assigned_to=None))
    patients = sorted({patient_id for _, patient_id in alerts})
    queue_entries.refresh(session, patients)
    for patient_id in patients:
        first = min(alert_id for alert_id, owner in alerts if owner == patient_id)
        audit.record(
            session,
            actor,
            "alert.assign",
            "alert",
            first,
            clinic_id=clinic_id,
            patient_id=patient_id,
        )
    return patients
