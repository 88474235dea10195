"""Schemas: editing a treatment record, its revisions, the next session, and a recommended
product checked against the recovery day by day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from needlecare.web.api.schemas.accounts import Out, Strict
from needlecare.web.api.schemas.care import TreatmentIn


class TreatmentUpdateIn(TreatmentIn):
    """The whole record as it should read now (staff of the patient's clinic)."""


class TreatmentRevisionOut(Out):
    revision: int
    record: dict[str, Any] = Field(description="The record's values after this revision")
    changed_fields: list[str]
    changed_by: int | None
    changed_at: datetime


class NextSessionOut(Out):
    planned: date | None = Field(description="Set by the clinic")
    reasonable_from: date = Field(description="The reference's minimum interval for the depth")
    condition: str
    cite: list[str]
    too_early: bool = Field(description="Planned before the reasonable date")


class RecommendationCheckIn(Strict):
    inci_text: str = Field(min_length=1, max_length=20_000)
    from_day: int | None = Field(None, ge=0, le=365)


class DayVerdictOut(Out):
    day: int
    date: date | None
    status: str = Field(description="recommended, ok, caution, avoid or unknown")


class ReasonOut(Out):
    text: str
    source: str | None = Field(description="The cited entry, e.g. reference.md#AC-06")
    status: str


class RecommendationCheckOut(Out):
    from_day: int
    days: list[DayVerdictOut]
    avoid_days: list[int]
    reasons: list[ReasonOut]
