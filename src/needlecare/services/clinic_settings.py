"""A clinic's settings: how patients reach it after a red flag (phone, address, hours), its
country (which picks the one emergency number patients are told), and how long an urgent
alert may wait for an acknowledgement before the admins are emailed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from needlecare.jobs import schedule
from needlecare.knowledge.emergency import EmergencyNumber, emergency_number, emergency_numbers
from needlecare.services import audit, schedule_wake
from needlecare.services.errors import FieldError, Invalid, NotFound
from needlecare.services.principal import Principal
from needlecare.services.scope import require_admin, require_staff
from needlecare.storage.models import Clinic
from needlecare.storage.uow import UnitOfWork

DEFAULT_ACK_MINUTES = 30
ACK_MINUTES_RANGE = (5, 24 * 60)
_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,30}$")


@dataclass(frozen=True)
class ClinicContact:
    """What a patient needs to reach the clinic, and the emergency number to tell them."""

    name: str
    phone: str | None
    address: str | None
    hours: str | None
    emergency: EmergencyNumber | None
    logo_version: str | None = None  # the logo's SHA-256: /clinic/logo?v=<it>

    @property
    def tel_href(self) -> str | None:
        # tel: URIs (RFC 3966) keep only the digits and a leading +.
        if not self.phone:
            return None
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return f"tel:{digits}" if digits else None

    @property
    def missing(self) -> list[str]:
        """What a patient would need and the clinic has not set (the dashboard warns)."""
        wanted = {"phone": self.phone, "opening hours": self.hours, "country": self.emergency}
        return [label for label, value in wanted.items() if not value]


@dataclass(frozen=True)
class ClinicSettings:
    name: str
    phone: str = ""
    address: str = ""
    hours: str = ""
    country: str = ""
    urgent_ack_minutes: int = DEFAULT_ACK_MINUTES
    # IANA name (clinic.timezone): times on the clinic's pages, and the reminders' clock of
    # its patients who set no zone of their own. None: unchanged.
    timezone: str | None = None


def contact_of(clinic: Clinic) -> ClinicContact:
    return ClinicContact(
        name=clinic.name,
        phone=clinic.phone or None,
        address=clinic.address or None,
        hours=clinic.hours or None,
        emergency=emergency_number(clinic.country),
        logo_version=clinic.logo_sha256,
    )


def clinic_contact(uow: UnitOfWork, actor: Principal) -> ClinicContact | None:
    """The actor's clinic contact (staff or a clinic's patient); None for a personal account."""
    if actor.clinic_id is None:
        return None
    with uow:
        clinic = uow.session.get(Clinic, actor.clinic_id)
        return contact_of(clinic) if clinic is not None else None


def get_settings(uow: UnitOfWork, actor: Principal) -> ClinicSettings:
    clinic_id = require_staff(actor)
    with uow:
        clinic = uow.session.get(Clinic, clinic_id)
        if clinic is None:
            raise NotFound("clinic")
        return ClinicSettings(
            name=clinic.name,
            phone=clinic.phone or "",
            address=clinic.address or "",
            hours=clinic.hours or "",
            country=clinic.country or "",
            urgent_ack_minutes=clinic.urgent_ack_minutes,
            timezone=clinic.timezone or schedule.DEFAULT_TIMEZONE,
        )


def _validated(data: ClinicSettings) -> ClinicSettings:
    errors: list[FieldError] = []
    name, phone = data.name.strip(), data.phone.strip()
    address, hours, country = data.address.strip(), data.hours.strip(), data.country.strip()
    if not name or len(name) > 200:
        errors.append(FieldError("name", "enter the clinic's name (at most 200 characters)"))
    if phone and not _PHONE.match(phone):
        errors.append(
            FieldError("phone", "enter a phone number with digits, e.g. +44 20 7946 0000")
        )
    if len(address) > 1000:
        errors.append(FieldError("address", "at most 1000 characters"))
    if len(hours) > 1000:
        errors.append(FieldError("hours", "at most 1000 characters"))
    country = country.upper()
    if country and country not in emergency_numbers():
        errors.append(FieldError("country", "choose a country from the list"))
    low, high = ACK_MINUTES_RANGE
    if not low <= data.urgent_ack_minutes <= high:
        errors.append(
            FieldError("urgent_ack_minutes", f"enter a number of minutes from {low} to {high}")
        )
    timezone = data.timezone.strip() if data.timezone is not None else None
    if timezone is not None:
        try:
            schedule.parse_timezone(timezone)
        except schedule.ScheduleInvalid:
            errors.append(FieldError("timezone", "choose a time zone from the list"))
    if errors:
        raise Invalid(errors)
    return ClinicSettings(name, phone, address, hours, country, data.urgent_ack_minutes, timezone)


def update_settings(uow: UnitOfWork, actor: Principal, data: ClinicSettings) -> ClinicSettings:
    """Admins only; every field at once (what the settings form sends)."""
    clinic_id = require_admin(actor)
    clean = _validated(data)
    with uow:
        clinic = uow.session.get(Clinic, clinic_id)
        if clinic is None:
            raise NotFound("clinic")
        clinic.name = clean.name
        clinic.phone = clean.phone or None
        clinic.address = clean.address or None
        clinic.hours = clean.hours or None
        clinic.country = clean.country or None
        clinic.urgent_ack_minutes = clean.urgent_ack_minutes
        if clean.timezone is not None and clean.timezone != clinic.timezone:
            clinic.timezone = clean.timezone
            # Its patients' reminders move with the clinic's clock (those without their own).
            schedule_wake.wake_clinic(uow.session, clinic_id)
        clean = replace(clean, timezone=clinic.timezone or schedule.DEFAULT_TIMEZONE)
        audit.record(uow.session, actor, "clinic.update", "clinic", clinic_id, clinic_id=clinic_id)
        uow.commit()
    return clean
