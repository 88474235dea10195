"""The de-identified research export: its data dictionary and how one row is built.

No names, emails, free text or dates: time is days since treatment only. People, treatments
and operators appear as references drawn at random for each export (`Refs`), so two exports
cannot be joined to each other or back to the clinic's records.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from needlecare.outcomes.summary import BREAKOUT_EXPECTED_LAST_DAY, LEVELS


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: str


# The data dictionary: every column of the CSV and every key of a JSON row, in order.
FIELDS: tuple[Field, ...] = (
    Field("treatment_ref", "string", "This export's random reference of the treatment."),
    Field("person_ref", "string", "This export's random reference of the person treated "
          "(the same for their treatments within one export only)."),
    Field("operator_ref", "string", "This export's random reference of the operator who "
          "performed the treatment, as the clinic recorded them; empty when not recorded."),
    Field("depth_band", "string", "Needle depth band of the clinical reference: S, M, D, VD, "
          "or RF (radiofrequency); empty when not known."),
    Field("device", "string", "pen, roller, rf or stamp."),
    Field("fitzpatrick", "integer", "Fitzpatrick skin type 1-6; empty when not recorded."),
    Field("day", "integer", "Days since treatment of this row's check-ins (0 = treatment day)."),
    Field("level", "string", "Worst triage level of the check-ins that day: "
          + ", ".join(LEVELS) + "."),
    Field("treatment_worst_level", "string", "Worst triage level of any check-in of the "
          "treatment."),
    Field("treatment_checkins", "integer", "Number of check-ins of the treatment."),
    Field("treatment_last_day", "integer", "Last day since treatment with a check-in."),
    Field("breakout_first_day", "integer", "First day with breakouts reported; empty: none."),
    Field("breakout_last_day", "integer", "Last day with breakouts reported; empty: none."),
    Field("breakout_past_window", "boolean", "Breakouts reported after day "
          f"{BREAKOUT_EXPECTED_LAST_DAY}, the expected window (reference.md#BO-07, BO-08)."),
    Field("complication", "boolean", "At least one contact-clinic or urgent check-in whose "
          "findings cite an adverse event of the clinical reference (AE-*, BO-08)."),
)  # fmt: skip
NAMES = tuple(f.name for f in FIELDS)


class Refs:
    """Random references for one export: the same source id gets the same reference within
    the export, a new one in the next (nothing in a reference derives from the id)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._given: dict[Hashable, str] = {}
        self._used: set[str] = set()

    def __call__(self, source_id: Hashable | None) -> str:
        if source_id is None:
            return ""
        if source_id not in self._given:
            self._given[source_id] = self._new()
        return self._given[source_id]

    def _new(self) -> str:
        while True:
            ref = f"{self._prefix}-{secrets.token_hex(5)}"
            if ref not in self._used:
                self._used.add(ref)
                return ref


@dataclass(frozen=True)
class SummaryRow:
    """One treatment-day of the summary tables, as read (ids still in it)."""

    treatment_id: int
    patient_id: int
    operator: str | None  # as the clinic recorded it (a name)
    band: str | None
    device: str | None
    fitzpatrick: int | None
    day: int
    day_rank: int
    worst_rank: int
    checkins: int
    last_day: int
    breakout_first_day: int | None
    breakout_last_day: int | None
    complication: bool


def deidentify(row: SummaryRow, treatments: Refs, people: Refs, operators: Refs) -> dict[str, Any]:
    """The export row of one treatment-day: references in place of every id."""
    past = row.breakout_last_day is not None and row.breakout_last_day > BREAKOUT_EXPECTED_LAST_DAY
    return {
        "treatment_ref": treatments(row.treatment_id),
        "person_ref": people(row.patient_id),
        "operator_ref": operators(row.operator.strip().casefold() if row.operator else None),
        "depth_band": row.band,
        "device": row.device,
        "fitzpatrick": row.fitzpatrick,
        "day": row.day,
        "level": LEVELS[row.day_rank],
        "treatment_worst_level": LEVELS[row.worst_rank],
        "treatment_checkins": row.checkins,
        "treatment_last_day": row.last_day,
        "breakout_first_day": row.breakout_first_day,
        "breakout_last_day": row.breakout_last_day,
        "breakout_past_window": past,
        "complication": bool(row.complication),
    }
