"""Tenants and people: clinics, logins, patients, invitations, API tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from needlecare.storage.base import Base, JSONDocument, UTCDateTime, utcnow
from needlecare.storage.enums import Level, Role
from needlecare.storage.models._columns import str_enum


class Clinic(Base):
    """A tenant: nothing is ever read or written across clinics."""

    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # How a patient reaches the clinic after a red flag (set by the clinic's admin).
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    hours: Mapped[str | None] = mapped_column(Text)
    # ISO 3166-1 alpha-2: picks the one emergency number patients are told to call.
    country: Mapped[str | None] = mapped_column(String(2))
    # An urgent alert nobody acknowledged within this many minutes is escalated to the admins.
    urgent_ack_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    # The SHA-256 of the logo's PNG (clinic_logo), or NULL: pages link /clinic/logo?v=<it>.
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    # IANA name (Europe/London): the clinic's clock for its pages and its patients' reminders
    # when a patient set none of their own. NULL: UTC.
    timezone: Mapped[str | None] = mapped_column(String(64))


class ClinicLogo(Base):
    """A clinic's logo as a clean PNG (photos.logo), shown on its patients' pages, the
    aftercare sheet and emails. Its own table: reading a clinic never loads the bytes."""

    __tablename__ = "clinic_logo"

    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), primary_key=True)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class User(Base):
    """A login (email + argon2 hash): clinic staff (admin, clinician) or a patient."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    # NULL for patients with a personal (self-registered) account.
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Written into each session cookie at login; raised by logout, a password change,
    # deactivation and a reset, which ends every copy of every earlier cookie at once.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the login last made a request; written at most every few minutes (services.auth).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language chosen in /settings/language (a shipped locale code); None follows the
    # browser's Accept-Language. Emails and PDFs use it (issue 22).
    language: Mapped[str | None] = mapped_column(String(16), default=None)


class Patient(Base):
    """A person recovering from treatment; belongs to one clinic or to nobody (personal use)."""

    __tablename__ = "patient"
    # The roster's access path: a clinic's patients, who needs attention first, then the most
    # recent activity (a page of it is read in index order, whatever the clinic's size).
    __table_args__ = (
        Index("ix_patient_roster", "clinic_id", "attention", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    # The patient's own login, set when they accept an invitation or self-register.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    fitzpatrick: Mapped[int | None]
    acne_prone: Mapped[bool] = mapped_column(default=False)
    history: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The roster's summary, kept in the transaction that changes what it sums up (a check-in,
    # an alert's resolution, a treatment), so the roster never scans check-ins or alerts.
    last_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_checkin_day: Mapped[int | None]
    last_level: Mapped[Level | None] = mapped_column(str_enum(Level))
    last_treatment_date: Mapped[date | None] = mapped_column(Date)
    # Unresolved alerts, and the highest level among them as `Level.rank` (0: none).
    open_alerts: Mapped[int] = mapped_column(default=0, server_default="0")
    attention: Mapped[int] = mapped_column(default=0, server_default="0")
    # The newest check-in's time, else when the patient was added (never NULL once written).
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)


class PatientInvitation(Base):
    """A private single-use link; only the SHA-256 of its token is stored."""

    __tablename__ = "patient_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffInvitation(Base):
    """Invites a colleague to a clinic with a role; single use, token stored hashed."""

    __tablename__ = "staff_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccountLink(Base):
    """A single-use, time-limited link to set a login's password: the first one of a new
    clinic's admin (`purpose` "set_password") or a reset ("reset"). Only the SHA-256 of its
    token is stored; an emailed link's token is derived from the secret key and `nonce`
    when the email is built (services.account_links), so the outbox holds no secret."""

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A bearer token for the JSON API; stored as SHA-256, revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
