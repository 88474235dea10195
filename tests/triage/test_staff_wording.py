"""Findings in the clinic's words (outside tester's finding 15): staff read "Fever reported
with ...", never "You have a fever ..." or "Some of your answers ...". One wording per rule, as
data beside its patient text in rules.toml (`staff_text`), said in the reader's language."""

from __future__ import annotations

import re
import string

import pytest

from needlecare.triage import triage_checkin
from needlecare.triage.engine import rule_book
from needlecare.triage.localize import finding_text, localize_findings

# Words that address the patient: second person, "we" (NeedleCare), or an instruction.
ADDRESSES_PATIENT = re.compile(
    r"\b(you|your|yours|yourself|we|us|our)\b|(^|\. )(Keep|Tell|Ask|Do not|Never|Stop|Get help)\b",
    re.IGNORECASE,
)
VALUES = {
    "day": "9",
    "band_name": "deep",
    "avoid_products": "Night retinol",
    "caution_products": "AHA toner",
}


def _all_rules() -> list[tuple[str, str, str]]:
    book = rule_book()
    rules = [(r.code, r.text, r.staff_text) for r in book.rules]
    fallback = book.fallback
    return [*rules, (fallback["code"], fallback["text"], fallback["staff_text"])]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(("code", "text", "staff"), _all_rules(), ids=lambda v: str(v)[:40])
def test_every_finding_has_a_wording_for_the_clinic(code: str, text: str, staff: str) -> None:
    assert not ADDRESSES_PATIENT.search(staff), f"{code}: staff_text speaks to the patient"
    if ADDRESSES_PATIENT.search(text):
        assert staff != text, f"{code}: needs a staff_text"
    values = {name: VALUES[name] for name in _fields(text)}
    stored = text.format(**values)
    # the patient still reads their own wording; staff read theirs, with the same values
    assert finding_text("en", code, stored) == stored
    assert finding_text("en", code, stored, staff=True) == staff.format(**values)
    spanish = finding_text("es", code, stored, staff=True)
    assert spanish != staff.format(**values), f"{code}: staff wording not translated"
    assert all(value in spanish for value in values.values() if value != "deep")


def test_the_lost_red_flag_reads_to_staff_as_what_was_and_was_not_reported() -> None:
    checkin = {
        "day": 4,
        "treatment": {"depth_mm": 1.0, "device": "pen"},
        "symptoms": {"breakouts": {"count": 4}, "fever": True, "spreading_redness": True},
    }
    result = triage_checkin(checkin, None, keep_red_flags=True)
    patient = " ".join(f["text"] for f in result["findings"])
    staff = " ".join(f["text"] for f in localize_findings("en", result["findings"], staff=True))
    assert "You have a fever" in patient
    assert "Fever reported" in staff and "The patient did NOT say what the spots look" in staff
    assert not re.search(r"\b(you|your)\b", staff, re.IGNORECASE)
    es = " ".join(f["text"] for f in localize_findings("es", result["findings"], staff=True))
    assert "El paciente NO dijo" in es


def test_a_finding_stored_from_an_older_wording_stays_as_stored() -> None:
    """Never a wrong sentence: text no template matches is shown as it was stored."""
    old = "An older sentence of this rule."
    assert finding_text("en", "fever_with_infection_signs", old, staff=True) == old
