"""Closed vocabularies stored as strings (no native DB enums: migrations stay simple)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CLINICIAN = "clinician"
    PATIENT = "patient"


class Device(StrEnum):
    PEN = "pen"
    ROLLER = "roller"
    RF = "rf"
    STAMP = "stamp"


class Level(StrEnum):
    """Triage levels, mildest first (the order is the urgency order)."""

    EXPECTED = "expected"
    MONITOR = "monitor"
    CONTACT_CLINIC = "contact_clinic"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


ALERT_LEVELS = frozenset({Level.CONTACT_CLINIC, Level.URGENT})


class AlertState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
