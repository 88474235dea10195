"""Schemas: editing a treatment record, its revisions and the next session."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from needlecare.web.api.schemas.accounts import Out
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
