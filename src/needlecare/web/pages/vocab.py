"""Words the pages show for the closed vocabularies (UI copy, not clinical knowledge)."""

from __future__ import annotations

from typing import Any

from needlecare.i18n import N_
from needlecare.triage.vocabulary import AREA_LABELS, HISTORY_LABELS, answers_as_given, label_for

__all__ = ["answers_as_given", "label_for"]  # the check-in's labels, for the clinic's pages

Option = dict[str, Any]

# "label" speaks to the patient ("Contact your clinic"); "staff_label" is the clinic's word.
LEVELS: dict[str, dict[str, str]] = {
    "expected": {
        "label": N_("Expected"),
        "staff_label": N_("Expected course"),
        "icon": "check",
        "headline": N_("This looks like normal healing"),
        "what_to_do": N_(
            "What you describe is expected at this stage. Keep following today's care "
            "and check in again tomorrow."
        ),
    },
    "monitor": {
        "label": N_("Keep an eye on it"),
        "staff_label": N_("Monitor"),
        "icon": "eye",
        "headline": N_("Keep an eye on it"),
        "what_to_do": N_(
            "This can happen while skin heals, but watch it. Check in again tomorrow, "
            "and contact your clinic sooner if it gets worse or something new appears."
        ),
    },
    "contact_clinic": {
        "label": N_("Contact your clinic"),
        "staff_label": N_("Clinic to contact"),
        "icon": "phone",
        "headline": N_("Contact your clinic today"),
        "what_to_do": N_(
            "Call or message your clinic today (or on the next working day). If you "
            "cannot reach them, see your usual doctor or an urgent care service."
        ),
    },
    "urgent": {
        "label": N_("Urgent"),
        "staff_label": N_("Urgent"),
        "icon": "alert",
        "headline": N_("Get medical care today — do not wait"),
        "what_to_do": N_(
            "Go to urgent care or an emergency department today, or call emergency "
            "services. Do not wait for your next appointment."
        ),
    },
}

VERDICTS: dict[str, dict[str, str]] = {
    "recommended": {
        "label": N_("Recommended"),
        "icon": "check",
        "explain": N_("This suits skin at this stage of healing."),
    },
    "ok": {
        "label": N_("OK to use"),
        "icon": "check",
        "explain": N_("Nothing in this list needs to wait at this stage."),
    },
    "caution": {
        "label": N_("Use with care"),
        "icon": "eye",
        "explain": N_(
            "Something in it can irritate healing skin, or NeedleCare cannot tell what it is. "
            "Read the reasons below; if you use it, try a small area first and stop if it "
            "stings or reddens."
        ),
    },
    "avoid": {
        "label": N_("Not yet"),
        "icon": "x",
        "explain": N_(
            "Something in this list is too strong for skin at this stage. Wait until the day shown."
        ),
    },
}

DEVICES: list[Option] = [
    {"value": "pen", "label": N_("Pen"), "sub": N_("automatic microneedling pen")},
    {"value": "roller", "label": N_("Roller"), "sub": N_("derma roller")},
    {"value": "rf", "label": N_("RF"), "sub": N_("radiofrequency microneedling")},
    {"value": "stamp", "label": N_("Stamp"), "sub": N_("derma stamp")},
]
DEVICE_LABELS = {
    "pen": N_("Automatic microneedling pen"),
    "roller": N_("Derma roller"),
    "rf": N_("Radiofrequency microneedling"),
    "stamp": N_("Derma stamp"),
}

AREAS: list[Option] = [{"value": code, "label": label} for code, label in AREA_LABELS.items()]

# Fitzpatrick skin types in the words of the classic sun-reaction questions.
SKIN_TYPES: list[Option] = [
    {"value": "1", "label": N_("Type I"), "sub": N_("Always burns, never tans; very fair skin")},
    {"value": "2", "label": N_("Type II"), "sub": N_("Burns easily, tans a little; fair skin")},
    {
        "value": "3",
        "label": N_("Type III"),
        "sub": N_("Sometimes burns, tans slowly to light brown"),
    },
    {
        "value": "4",
        "label": N_("Type IV"),
        "sub": N_("Rarely burns, tans easily; light brown or olive skin"),
    },
    {"value": "5", "label": N_("Type V"), "sub": N_("Very rarely burns; brown skin")},
    {"value": "6", "label": N_("Type VI"), "sub": N_("Never burns; dark brown or black skin")},
    {
        "value": "",
        "label": N_("Not sure"),
        "sub": N_("You can add it later; your clinic can tell you"),
    },
]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}

HISTORY: list[Option] = [{"value": k, "label": v} for k, v in HISTORY_LABELS.items()]

ROLES: list[Option] = [
    {"value": "clinician", "label": N_("Clinician"), "sub": N_("sees patients and alerts")},
    {
        "value": "admin",
        "label": N_("Admin"),
        "sub": N_("also invites staff and reads the audit log"),
    },
]


# Short names of the product checker's ingredient flags (data/flags.toml) and verdict notes,
# for the chips beside an ingredient; the full wording is in the reason beside each chip.
FLAG_CHIPS: dict[str, str] = {
    "retinoid": N_("Retinoid"),
    "prescription_retinoid": N_("Prescription retinoid"),
    "aha": N_("AHA (acid exfoliant)"),
    "bha": N_("BHA (salicylic acid)"),
    "pha": N_("PHA (gentle acid exfoliant)"),
    "chemical_exfoliant": N_("Chemical exfoliant"),
    "vitamin_c": N_("Vitamin C"),
    "benzoyl_peroxide": N_("Benzoyl peroxide"),
    "hydroquinone": N_("Hydroquinone"),
    "prescription_drug": N_("Medicine"),
    "physical_exfoliant": N_("Scrub particles"),
    "fragrance": N_("Fragrance"),
    "fragrance_allergen": N_("Fragrance allergen"),
    "essential_oil": N_("Essential oil"),
    "drying_alcohol": N_("Drying alcohol"),
    "sunscreen_filter": N_("Chemical UV filter"),
    "mineral_sunscreen": N_("Mineral sunscreen"),
    "cleanser": N_("Cleanser"),
    "makeup_pigment": N_("Makeup pigment"),
    "occlusive": N_("Heavy occlusive"),
    "comedogenic": N_("May clog pores"),
    "soothing": N_("Soothing"),
    "unrecognized": N_("Not recognised"),
    "fuzzy_match": N_("Name guessed"),
    "bland_only": N_("Only bland products for now"),
}


# Why the checker left a piece of a label out of the list (needlecare.ingredients.parsed and
# check: English in the JSON), marked here for the page's translation; a test keeps both equal.
IGNORED_REASONS: tuple[str, ...] = (
    N_("heading"),
    N_("text before the ingredient list"),
    N_("section after the list (uses, directions, warnings, storage, maker)"),
    N_("claim about what the product is free from"),
    N_("formula, batch or date code"),
    N_("purpose of a drug-facts active"),
    N_("connecting words (base, vehicle, each gram contains, equivalent to)"),
    N_("marker of the colours that the product may contain"),
    N_("not an ingredient name (sentence or claim)"),
    N_("footnote"),
    N_("numbering or punctuation only"),
    N_("text before a colon (a step, a product or marketing name)"),
    N_("text between names that no rule read (kept so that nothing is lost)"),
)


def flag_chip(code: object) -> str:
    """A checker flag's short name (English; `_()` it), `humanize` for an unknown code."""
    return FLAG_CHIPS.get(str(code), "") or humanize(code)


def humanize(code: object) -> str:
    """`contact_clinic` -> `Contact clinic`, for codes without a dedicated label."""
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
