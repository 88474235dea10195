"""A clinic's staff: who they are, their role, when each was last seen (any staff member may
read the list); change a role, deactivate or reactivate a login (admins only). Deactivation
ends the login's sessions and API tokens at once. A clinic always keeps one active admin: the
last one can neither be demoted nor deactivated (not by themself either)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needlecare.services import audit
from needlecare.services.auth import end_sessions
from needlecare.services.errors import Conflict, Invalid, NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import require_admin, require_staff
from needlecare.storage.enums import Role
from needlecare.storage.models import Clinic, User
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


def list_staff(uow: UnitOfWork, actor: Principal) -> list[StaffMember]:
    """The clinic's admins and clinicians: active ones first, then by name. Clinicians read it
    too (who to ask, who is an admin); only admins change it."""
    clinic_id = require_staff(actor)
    with uow.reading():
        users = uow.session.scalars(
            select(User)
            .where(User.clinic_id == clinic_id, User.role.in_(STAFF_ROLES))
            .order_by(User.is_active.desc(), func.lower(User.display_name), User.id)
        )
        return [_member(u) for u in users]


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
        return member
