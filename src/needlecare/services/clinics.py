"""A new clinic and its first admin: by the operator (`needlecare clinic create`, which prints a
one-time link for the admin to set their password) or, when the operator turns it on
(NEEDLECARE_CLINIC_SIGNUP), by the clinic itself from the sign-up page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from needlecare.services import account_links, audit, ratelimit
from needlecare.services.auth import normalize_email, principal_for
from needlecare.services.errors import Conflict, FieldError, Invalid
from needlecare.services.passwords import check_new_password, hash_password
from needlecare.services.principal import SYSTEM_ROLE, Principal
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import Clinic, User
from needlecare.storage.uow import UnitOfWork

# No argon2 hash has this form: nobody can log in until the link sets a password.
UNUSABLE_PASSWORD = "!unset"  # noqa: S105


@dataclass(frozen=True)
class NewClinic:
    clinic_id: int
    admin_user_id: int
    link: account_links.IssuedLink | None  # the admin's set-password link (CLI only)


def _check(name: str, admin_name: str, email: str) -> tuple[str, str, str]:
    errors: list[FieldError] = []
    name, admin_name = name.strip(), admin_name.strip()
    if not name or len(name) > 200:
        errors.append(FieldError("clinic_name", "enter the clinic's name (1 to 200 characters)"))
    if not admin_name or len(admin_name) > 200:
        errors.append(FieldError("display_name", "enter your name (1 to 200 characters)"))
    try:
        email = normalize_email(email)
    except Invalid as error:
        errors += error.errors
    if errors:
        raise Invalid(errors)
    return name, admin_name, email


def _insert(
    uow: UnitOfWork, name: str, admin_name: str, email: str, password_hash: str
) -> tuple[Clinic, User]:
    taken = uow.session.scalar(select(User.id).where(User.email == email))
    if taken is not None:
        raise Conflict("an account with this email already exists")
    clinic = Clinic(name=name, created_at=utcnow())
    uow.session.add(clinic)
    uow.flush()
    admin = User(
        email=email,
        password_hash=password_hash,
        role=Role.ADMIN,
        clinic_id=clinic.id,
        display_name=admin_name,
        created_at=utcnow(),
    )
    uow.session.add(admin)
    try:
        uow.flush()
    except IntegrityError:  # the same address signed up at the same moment
        raise Conflict("an account with this email already exists") from None
    return clinic, admin


def create_clinic(uow: UnitOfWork, name: str, admin_email: str, admin_name: str = "") -> NewClinic:
    """The operator's command: a clinic, its admin (no password yet) and the one-time link
    that lets the admin choose one. A taken email is refused (Conflict)."""
    local_part = admin_email.strip().split("@")[0]
    name, admin_name, email = _check(name, admin_name or local_part or "Admin", admin_email)
    with uow:
        clinic, admin = _insert(uow, name, admin_name, email, UNUSABLE_PASSWORD)
        link = account_links.issue(uow.session, admin.id, account_links.SET_PASSWORD)
        audit.record(
            uow.session,
            None,
            "clinic.create",
            "clinic",
            clinic.id,
            clinic_id=clinic.id,
            actor_role=SYSTEM_ROLE,
        )
        uow.commit()
        return NewClinic(clinic.id, admin.id, link)


def sign_up(
    uow: UnitOfWork,
    clinic_name: str,
    display_name: str,
    email: str,
    password: str,
    client_ip: str | None = None,
) -> Principal:
    """Self-service: a new clinic with the signer as its admin (the web layer checks that
    the operator turned sign-up on). Limited like personal sign-up (TooManyAttempts)."""
    try:
        clinic_name, display_name, email = _check(clinic_name, display_name, email)
    except Invalid as error:  # the password's problem too: every mistake at once
        try:
            check_new_password(password, email=email)
        except Invalid as also:
            raise Invalid(error.errors + also.errors) from None
        raise
    check_new_password(password, email=email)
    ratelimit.check_registration_allowed(uow, client_ip)  # before argon2: refused cheaply
    password_hash = hash_password(password)  # before the unit: it holds SQLite's write lock
    with uow:
        clinic, admin = _insert(uow, clinic_name, display_name, email, password_hash)
        audit.record(
            uow.session,
            None,
            "clinic.signup",
            "clinic",
            clinic.id,
            clinic_id=clinic.id,
            actor_role="anonymous",
        )
        principal = principal_for(uow.session, admin)
        uow.commit()
        return principal
