"""The check-in vocabulary: every answer a check-in can carry, its limits, words and red flags.

The one place that the domain validator, the API models, the form and the labels derive
from (tests/triage/test_vocabulary.py fails when a copy drifts). Adding a yes/no sign is one
`Sign` here plus its rule in data/rules.toml. Pure data: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

AREAS = ("face", "neck", "chest", "scalp", "body")
HISTORY_LABELS: dict[str, str] = {
    "hsv": "Cold sores (herpes)",
    "recent_cold_sore": "A cold sore in the last few weeks",
    "antiviral_taken": "Took an antiviral (cold-sore medicine) before the treatment",
    "keloid": "Raised, thick scars (keloids)",
    "eczema": "Eczema",
    "rosacea": "Rosacea",
    "psoriasis": "Psoriasis",
    "isotretinoin_6mo": "Isotretinoin (Roaccutane) in the last 6 months",
    "anticoagulants": "Blood thinners",
    "pregnancy": "Pregnant",
    "immunosuppressed": "Weak immune system or medicines that lower it",
    "diabetes": "Diabetes",
    "nickel_allergy": "Allergy to nickel or other metals",
    "home_treatment": "Treated at home with my own device (not at a clinic)",
}
HISTORY = tuple(HISTORY_LABELS)
BREAKOUT_KIND_LABELS: dict[str, tuple[str, str]] = {
    "small_red_bumps": ("Small red bumps", "no white top"),
    "whiteheads": ("Whiteheads", "small spots with a white top"),
    "pustules": ("Pus-filled spots", "yellow or white centre, red around"),
    "cysts": ("Deep, painful lumps", "under the skin"),
    "milia": ("Tiny hard white dots", "like grains of sand (milia)"),
    "mixed": ("A mix", "more than one kind"),
}
BREAKOUT_KINDS = tuple(BREAKOUT_KIND_LABELS)
SCORE_LABELS: dict[str, str] = {
    "redness": "Redness",
    "swelling": "Swelling",
    "pain": "Pain",
    "itch": "Itching",
}
SCORES = {"redness": 3, "swelling": 3, "pain": 10, "itch": 3}
MAX_DAY = 3650
MAX_BREAKOUTS = 1_000
MAX_TEXT = 20_000  # one pasted ingredient list (or the treatment's serum)
MAX_PRODUCTS = 20
MAX_OTHER = 2_000  # "something else", in the person's words
# A measured temperature outside these is a typing error, not a reading.
TEMPERATURE_RANGE = {"C": (30.0, 45.0), "F": (86.0, 113.0)}
FEVER_FROM_C = 38.0  # 100.4 °F (reference.md#AE-16)
HIGH_FEVER_FROM_C = 39.0  # "high fever" (AE-16 leaves it open: the careful end is used)
BLEEDING_WITH_PRESSURE = {
    "stops": "It stops with gentle pressure",
    "does_not_stop": "It does not stop with pressure",
}


@dataclass(frozen=True)
class Sign:
    """A yes/no answer: its name in the schema, the question and the short label."""

    name: str
    prompt: str
    label: str
    hint: str | None = None
    follows: str | None = None  # asked as a follow-up when this sign is answered Yes
    section: str = "warning"  # warning | common


SIGNS: tuple[Sign, ...] = (
    # Most dangerous first, the way nurse triage protocols ask (reference.md#TR-01).
    Sign("breathing_difficulty", "Trouble breathing or swallowing?", "Trouble breathing"),
    Sign("throat_tightness", "Does your throat feel tight?", "Throat tightness",
         follows="breathing_difficulty"),
    Sign("hoarse_voice", "Is your voice hoarse?", "Hoarse voice", follows="breathing_difficulty"),
    Sign("trouble_swallowing", "Is it hard to swallow?", "Trouble swallowing",
         follows="breathing_difficulty"),
    Sign("facial_swelling", "Swelling of the lips, tongue, eyelids or whole face?",
         "Swelling of the face, lips or eyelids"),
    Sign("lip_swelling", "Are your lips swollen?", "Swollen lips", follows="facial_swelling"),
    Sign("tongue_swelling", "Is your tongue swollen?", "Swollen tongue", follows="facial_swelling"),
    Sign("eye_swelling", "Is the swelling around an eye?", "Swelling around an eye",
         follows="facial_swelling"),
    Sign("eye_symptoms", "Eye pain, a red eye, or a change in how you see?", "Eye symptoms"),
    Sign("eye_pain", "Does the eye hurt?", "Eye pain", follows="eye_symptoms"),
    Sign("light_sensitivity", "Does light hurt your eyes?", "Light hurts the eyes",
         follows="eye_symptoms"),
    Sign("vision_change", "Is your sight blurred, or have you lost some sight?",
         "Blurred or lost vision", follows="eye_symptoms"),
    Sign("facial_weakness", "Weakness or drooping on one side of the face?", "Facial weakness"),
    Sign("numbness", "Numbness in the treated skin or face?", "Numbness"),
    Sign("fever", "Fever or chills?", "Fever or chills",
         hint="38 °C (100.4 °F) or higher, or feeling feverish."),
    Sign("chills", "Shivering or chills?", "Chills", follows="fever"),
    Sign("feeling_very_unwell", "Do you feel very unwell?", "Feeling very unwell",
         follows="fever"),
    Sign("vomiting", "Are you being sick (vomiting)?", "Vomiting", follows="fever"),
    Sign("confusion", "Are you confused, or very sleepy?", "Confusion", follows="fever"),
    Sign("fast_heartbeat", "Is your heart beating fast at rest?", "Fast heartbeat",
         follows="fever"),
    Sign("spreading_redness", "Redness that is spreading or getting bigger?",
         "Spreading redness"),
    Sign("red_streaks", "Red streaks or lines going out from the treated area?", "Red streaks",
         follows="spreading_redness"),
    Sign("redness_spreading_fast", "Is it spreading fast, within hours?",
         "Redness spreading within hours", follows="spreading_redness"),
    Sign("pus_or_yellow_crust", "Pus, or yellow or honey-coloured crusts?",
         "Pus or yellow crusts"),
    Sign("blisters_clustered", "A group of small, painful blisters?", "Clustered blisters"),
    Sign("blisters_around_mouth", "Are they around the mouth or lips?", "Blisters around the mouth",
         follows="blisters_clustered"),
    Sign("blisters_near_eye", "Are they near an eye?", "Blisters near an eye",
         follows="blisters_clustered"),
    Sign("blisters_nose_tip", "Are they on the tip or side of the nose?",
         "Blisters on the tip of the nose", follows="blisters_clustered"),
    Sign("tingling_or_burning", "Tingling, burning or stabbing pain in one spot?",
         "Tingling or burning", hint="It can come a day before cold-sore blisters."),
    Sign("pale_patches", "White or grey patches in the treated skin?", "White or grey patches"),
    Sign("dusky_patches", "Dusky, purple or black patches?", "Dusky, purple or black patches"),
    Sign("burnt_looking_skin", "Skin that looks burnt, raw or broken down?",
         "Skin that looks burnt"),
    Sign("swollen_glands", "Swollen, tender glands (lumps) in the neck or by the ear?",
         "Swollen glands"),
    Sign("warmth", "Treated skin that feels hot to the touch?", "Skin feels hot"),
    Sign("worsening", "Is it getting worse instead of better?", "Getting worse"),
    Sign("hives", "Itchy raised welts (hives)?", "Hives"),
    Sign("rash", "A new rash?", "New rash"),
    Sign("bleeding", "Bleeding from the treated skin?", "Bleeding"),
    Sign("bruising", "Is there bruising?", "Bruising", follows="bleeding"),
    Sign("growing_lump", "A swelling or lump that keeps growing?", "Growing lump",
         follows="bleeding"),
    Sign("firm_red_bumps", "Firm red lumps that do not go away?", "Firm red lumps"),
    Sign("dark_patches", "New darker patches of skin?", "Darker patches"),
    Sign("track_marks", "Lines or dot patterns left on the skin?", "Lines or dot patterns",
         hint="Marks in rows, in the pattern of the needles."),
    Sign("flaking", "Flaking or peeling?", "Flaking or peeling", section="common"),
    Sign("tightness", "Skin feels tight or dry?", "Tight or dry skin", section="common"),
    Sign("sun_exposure", "Were you out in the sun without cover since treatment?",
         "Time in the sun", section="common"),
    Sign("picking", "Have you picked or scratched the treated skin?", "Picking or scratching",
         section="common"),
    Sign("new_product", "Did you start a new product on the treated skin in the last 3 days?",
         "New product in the last 3 days", section="common",
         hint="Anything not used since the treatment: a serum, cream, sunscreen or makeup."),
)  # fmt: skip
FLAGS = tuple(sign.name for sign in SIGNS)
SIGN_BY_NAME = {sign.name: sign for sign in SIGNS}

# "Worse than yesterday", per symptom (it replaces the one global `worsening` as what
# escalates: more peeling on day 4 is the usual course, more pain is not).
WORSE_LABELS: dict[str, str] = {
    "redness": "Redness",
    "swelling": "Swelling",
    "pain": "Pain",
    "itch": "Itching",
    "warmth": "Heat",
    "spreading_redness": "Spreading redness",
    "pus_or_yellow_crust": "Pus or crusts",
    "breakouts": "Spots",
    "bleeding": "Bleeding",
    "blisters_clustered": "Blisters",
    "swollen_glands": "Swollen glands",
    "flaking": "Flaking or peeling",
    "dark_patches": "Darker patches",
}
WORSE_CHOICES = tuple(WORSE_LABELS)

# Red flags: a Yes to any of these sets at least this level on every day and depth (the
# single-sign rules of data/rules.toml; tests/triage checks both directions). A check-in with
# a red flag is stored and triaged whatever else is missing or invalid (reference.md#TR-02).
RED_FLAG_FLOORS: dict[str, str] = {
    "breathing_difficulty": "urgent",
    "throat_tightness": "urgent",
    "hoarse_voice": "urgent",
    "trouble_swallowing": "urgent",
    "facial_swelling": "urgent",
    "lip_swelling": "urgent",
    "tongue_swelling": "urgent",
    "eye_swelling": "urgent",
    "eye_symptoms": "urgent",
    "eye_pain": "urgent",
    "light_sensitivity": "urgent",
    "vision_change": "urgent",
    "facial_weakness": "urgent",
    "numbness": "contact_clinic",
    "fever": "contact_clinic",
    "chills": "contact_clinic",
    "feeling_very_unwell": "contact_clinic",
    "vomiting": "contact_clinic",
    "confusion": "urgent",
    "fast_heartbeat": "contact_clinic",
    "spreading_redness": "contact_clinic",
    "red_streaks": "urgent",
    "redness_spreading_fast": "urgent",
    "pus_or_yellow_crust": "contact_clinic",
    "blisters_clustered": "contact_clinic",
    "blisters_around_mouth": "contact_clinic",
    "blisters_near_eye": "urgent",
    "blisters_nose_tip": "urgent",
    "pale_patches": "contact_clinic",
    "dusky_patches": "urgent",
    "burnt_looking_skin": "contact_clinic",
    "growing_lump": "urgent",
    "hives": "contact_clinic",
    "rash": "contact_clinic",
}


def fever_measured(temperature: object) -> tuple[bool, bool]:
    """(fever, high fever) from a valid `{"value", "unit"}` temperature, else (False, False)."""
    if not isinstance(temperature, dict):
        return False, False
    value, unit = temperature.get("value"), temperature.get("unit")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or unit not in ("C", "F"):
        return False, False
    low, high = TEMPERATURE_RANGE[unit]
    if not low <= value <= high:
        return False, False
    celsius = value if unit == "C" else (value - 32) * 5 / 9
    return celsius >= FEVER_FROM_C - 1e-9, celsius >= HIGH_FEVER_FROM_C - 1e-9


def red_flags_in(symptoms: object) -> frozenset[str]:
    """The red flags answered Yes (exactly true) in a raw `symptoms` object; a measured
    temperature of 38 °C (100.4 °F) or more counts as fever."""
    if not isinstance(symptoms, dict):
        return frozenset()
    found = {name for name in RED_FLAG_FLOORS if symptoms.get(name) is True}
    if fever_measured(symptoms.get("temperature"))[0]:
        found.add("fever")
    if symptoms.get("bleeding_with_pressure") == "does_not_stop":
        found.add("bleeding_with_pressure")
    return frozenset(found)


def label_for(field: str, value: object = True) -> str:
    """Plain words for one stored answer, e.g. ("fever", True) -> "Fever or chills: yes";
    ("pain", 6) -> "Pain: 6 of 10". Unknown fields are shown as given, never dropped."""
    if field in SIGN_BY_NAME:
        answer = "yes" if value is True else "no" if value is False else repr(value)
        return f"{SIGN_BY_NAME[field].label}: {answer}"
    if field in SCORES:
        return f"{SCORE_LABELS[field]}: {value} of {SCORES[field]}"
    if field == "breakouts" and isinstance(value, dict):
        count = value.get("count", "some")
        kind = BREAKOUT_KIND_LABELS.get(str(value.get("kind")), ("kind not given", ""))[0]
        outside = ", some outside the treated area" if value.get("outside_treated_area") else ""
        return f"New spots: {count}, {kind.lower()}{outside}"
    if field == "temperature" and isinstance(value, dict):
        return f"Temperature: {value.get('value')} °{value.get('unit')}"
    if field == "worse_than_yesterday" and isinstance(value, list):
        names = ", ".join(WORSE_LABELS.get(str(v), str(v)).lower() for v in value)
        return f"Worse than yesterday: {names or 'nothing ticked'}"
    if field == "bleeding_with_pressure":
        return f"Bleeding: {BLEEDING_WITH_PRESSURE.get(str(value), str(value)).lower()}"
    if field == "other":
        return f"Something else, in their words: {value}"
    if field in HISTORY_LABELS:
        return HISTORY_LABELS[field]
    return f"{field.replace('_', ' ').capitalize()}: {value!r}"


def answers_as_given(symptoms: object) -> list[tuple[str, str]]:
    """Every stored answer of a check-in's `symptoms` as (field, plain words), in the order
    of the vocabulary (then any unknown field), leaving out only "no" and 0 answers."""
    if not isinstance(symptoms, dict):
        return []
    order = [*SCORES, "breakouts", *FLAGS, "temperature", "worse_than_yesterday",
             "bleeding_with_pressure", "other"]  # fmt: skip
    rank = {name: index for index, name in enumerate(order)}
    rows = []
    for field in sorted(symptoms, key=lambda name: (rank.get(name, len(order)), name)):
        value = symptoms[field]
        if value is False or value == 0 or value == []:
            continue
        rows.append((field, label_for(field, value)))
    return rows
