"""Schemas: messages between a patient and their clinic, the per-patient alert queue, clinic
settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from needlecare.web.api.schemas.accounts import Out, Strict
from needlecare.web.api.schemas.care import Finding, LevelName


class MessageIn(Strict):
    body: str = Field(min_length=1, max_length=5000, description="Plain text")
    alert_id: int | None = Field(
        None, description="Staff only: the alert this message answers (the patient's own)"
    )


class MessageOut(Out):
    id: int
    patient_id: int
    alert_id: int | None
    from_clinic: bool = Field(description="True: written by clinic staff; false: by the patient")
    author_name: str
    body: str
    created_at: datetime
    read_at: datetime | None = Field(description="When the other side first opened it")


class QueueRowOut(Out):
    kind: Literal["alert", "missed"] = Field(
        description="alert: the patient's unresolved alerts in one row; missed: a missed check-in"
    )
    patient_id: int
    patient_name: str
    level: LevelName | None
    state: Literal["open", "acknowledged"] | None
    alert_id: int | None = Field(description="The newest alert at the row's level")
    alert_ids: list[int]
    checkin_id: int | None
    day: int | None
    findings: list[Finding]
    newest_at: datetime
    waiting_since: datetime
    assigned_to: int | None
    assignee_name: str | None
    unread_messages: int
    overdue: bool = Field(
        description="An urgent alert waited longer than the clinic's acknowledgement time"
    )


class QueueCountsOut(Out):
    waiting: int = Field(description="Patients with an alert nobody has acknowledged yet")
    active: int = Field(description="Patients with an unresolved alert")
    unread_messages: int = Field(description="Messages from patients nobody has opened yet")


class QueueOut(Out):
    counts: QueueCountsOut
    rows: list[QueueRowOut]


class AssignIn(Strict):
    assignee_id: int | None = Field(description="A staff member of the clinic; null: unassign")


class ClinicSettingsIO(Strict):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=1000)
    hours: str = Field("", max_length=1000)
    country: str = Field(
        "", max_length=2, description="ISO 3166-1 alpha-2; picks the emergency number"
    )
    urgent_ack_minutes: int = Field(30, ge=5, le=1440)
    timezone: str | None = Field(
        None,
        max_length=64,
        description="IANA time zone (e.g. Europe/London) for pages and reminders; "
        "null or absent: unchanged",
    )
