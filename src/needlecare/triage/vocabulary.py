"""The check-in vocabulary: every answer a check-in can carry, its limits, and the red flags.

One place for the names and limits that the validator, the API models, the form and the
labels derive from (a test fails when a copy drifts). Pure data: no I/O.
"""

from __future__ import annotations

AREAS = ("face", "neck", "chest", "scalp", "body")
HISTORY = (
    "hsv", "keloid", "eczema", "rosacea", "psoriasis", "isotretinoin_6mo",
    "anticoagulants", "pregnancy", "immunosuppressed", "diabetes",
)  # fmt: skip
BREAKOUT_KINDS = ("whiteheads", "small_red_bumps", "pustules", "cysts", "milia", "mixed")
SCORES = {"redness": 3, "swelling": 3, "pain": 10, "itch": 3}
FLAGS = (
    "flaking", "tightness", "bleeding", "pus_or_yellow_crust", "spreading_redness", "warmth",
    "fever", "blisters_clustered", "hives", "rash", "facial_swelling", "breathing_difficulty",
    "eye_symptoms", "dark_patches", "firm_red_bumps", "track_marks", "worsening",
)  # fmt: skip
MAX_DAY = 3650
MAX_BREAKOUTS = 1_000
MAX_TEXT = 20_000  # one pasted ingredient list (or the treatment's serum)
MAX_PRODUCTS = 20

# Red flags: a Yes to any of these sets at least this level on every day and depth (the
# single-sign rules of data/rules.toml; tests/triage checks both directions). A check-in with
# a red flag is stored and triaged whatever else is missing or invalid (reference.md#TR-02).
RED_FLAG_FLOORS: dict[str, str] = {
    "breathing_difficulty": "urgent",
    "facial_swelling": "urgent",
    "eye_symptoms": "urgent",
    "fever": "contact_clinic",
    "spreading_redness": "contact_clinic",
    "pus_or_yellow_crust": "contact_clinic",
    "blisters_clustered": "contact_clinic",
    "hives": "contact_clinic",
    "rash": "contact_clinic",
}


def red_flags_in(symptoms: object) -> frozenset[str]:
    """The red flags answered Yes (exactly true) in a raw `symptoms` object."""
    if not isinstance(symptoms, dict):
        return frozenset()
    return frozenset(name for name in RED_FLAG_FLOORS if symptoms.get(name) is True)
