"""Words the pages show for the closed vocabularies (UI copy, not clinical knowledge)."""

from __future__ import annotations

from typing import Any

from needlecare.triage.vocabulary import HISTORY_LABELS, answers_as_given, label_for

__all__ = ["answers_as_given", "label_for"]  # the check-in's labels, for the clinic's pages

Option = dict[str, Any]

LEVELS: dict[str, dict[str, str]] = {
    "expected": {
        "label": "Expected",
        "icon": "check",
        "headline": "This looks like normal healing",
        "what_to_do": "What you describe is expected at this stage. Keep following today's care "
        "and check in again tomorrow.",
    },
    "monitor": {
        "label": "Keep an eye on it",
        "icon": "eye",
        "headline": "Keep an eye on it",
        "what_to_do": "This can happen while skin heals, but watch it. Check in again tomorrow, "
        "and contact your clinic sooner if it gets worse or something new appears.",
    },
    "contact_clinic": {
        "label": "Contact your clinic",
        "icon": "phone",
        "headline": "Contact your clinic today",
        "what_to_do": "Call or message your clinic today (or on the next working day). If you "
        "cannot reach them, see your usual doctor or an urgent care service.",
    },
    "urgent": {
        "label": "Urgent",
        "icon": "alert",
        "headline": "Get medical care today — do not wait",
        "what_to_do": "Go to urgent care or an emergency department today, or call emergency "
        "services. Do not wait for your next appointment.",
    },
}

VERDICTS: dict[str, dict[str, str]] = {
    "recommended": {
        "label": "Recommended",
        "icon": "check",
        "explain": "This suits skin at this stage of healing.",
    },
    "ok": {
        "label": "OK to use",
        "icon": "check",
        "explain": "Nothing in this list needs to wait at this stage.",
    },
    "caution": {
        "label": "Use with care",
        "icon": "eye",
        "explain": "Usable, but something in it can irritate healing skin. "
        "Try a small area first and stop if it stings or reddens.",
    },
    "avoid": {
        "label": "Not yet",
        "icon": "x",
        "explain": "Something in this list is too strong for skin at this stage. "
        "Wait until the day shown.",
    },
}

DEVICES: list[Option] = [
    {"value": "pen", "label": "Pen", "sub": "automatic microneedling pen"},
    {"value": "roller", "label": "Roller", "sub": "derma roller"},
    {"value": "rf", "label": "RF", "sub": "radiofrequency microneedling"},
    {"value": "stamp", "label": "Stamp", "sub": "derma stamp"},
]
DEVICE_LABELS = {o["value"]: o["sub"].capitalize() for o in DEVICES}

AREAS: list[Option] = [
    {"value": "face", "label": "Face"},
    {"value": "neck", "label": "Neck"},
    {"value": "chest", "label": "Chest"},
    {"value": "scalp", "label": "Scalp"},
    {"value": "body", "label": "Body"},
]

# Fitzpatrick skin types in the words of the classic sun-reaction questions.
SKIN_TYPES: list[Option] = [
    {"value": "1", "label": "Type I", "sub": "Always burns, never tans; very fair skin"},
    {"value": "2", "label": "Type II", "sub": "Burns easily, tans a little; fair skin"},
    {"value": "3", "label": "Type III", "sub": "Sometimes burns, tans slowly to light brown"},
    {
        "value": "4",
        "label": "Type IV",
        "sub": "Rarely burns, tans easily; light brown or olive skin",
    },
    {"value": "5", "label": "Type V", "sub": "Very rarely burns; brown skin"},
    {"value": "6", "label": "Type VI", "sub": "Never burns; dark brown or black skin"},
    {"value": "", "label": "Not sure", "sub": "You can add it later; your clinic can tell you"},
]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}

HISTORY: list[Option] = [{"value": k, "label": v} for k, v in HISTORY_LABELS.items()]

ROLES: list[Option] = [
    {"value": "clinician", "label": "Clinician", "sub": "sees patients and alerts"},
    {"value": "admin", "label": "Admin", "sub": "also invites staff and reads the audit log"},
]


def humanize(code: object) -> str:
    """`contact_clinic` -> `Contact clinic`, for codes without a dedicated label."""
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
