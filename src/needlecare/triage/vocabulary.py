"""The check-in vocabulary: every answer a check-in can carry, its limits, words and red flags.

The one place that the domain validator, the API models, the form and the labels derive
from (tests/triage/test_vocabulary.py fails when a copy drifts). Adding a yes/no sign is one
`Sign` here plus its rule in data/rules.toml. Pure data: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from needlecare.i18n import N_

# The treated areas and their names as a reader sees them (the form, the report).
AREA_LABELS = {"face": N_("Face"), "neck": N_("Neck"), "chest": N_("Chest"),
               "scalp": N_("Scalp"), "body": N_("Body")}  # fmt: skip
AREAS = tuple(AREA_LABELS)
HISTORY_LABELS: dict[str, str] = {
    "hsv": N_("Cold sores (herpes)"),
    "recent_cold_sore": N_("A cold sore in the last few weeks"),
    "antiviral_taken": N_("Took an antiviral (cold-sore medicine) before the treatment"),
    "keloid": N_("Raised, thick scars (keloids)"),
    "eczema": N_("Eczema"),
    "rosacea": N_("Rosacea"),
    "psoriasis": N_("Psoriasis"),
    "isotretinoin_6mo": N_("Isotretinoin (Roaccutane) in the last 6 months"),
    "anticoagulants": N_("Blood thinners"),
    "pregnancy": N_("Pregnant"),
    "immunosuppressed": N_("Weak immune system or medicines that lower it"),
    "diabetes": N_("Diabetes"),
    "nickel_allergy": N_("Allergy to nickel or other metals"),
    "home_treatment": N_("Treated at home with my own device (not at a clinic)"),
}
HISTORY = tuple(HISTORY_LABELS)
BREAKOUT_KIND_LABELS: dict[str, tuple[str, str]] = {
    "small_red_bumps": (N_("Small red bumps"), N_("no white top")),
    "whiteheads": (N_("Whiteheads"), N_("small spots with a white top")),
    "pustules": (N_("Pus-filled spots"), N_("yellow or white centre, red around")),
    "cysts": (N_("Deep, painful lumps"), N_("under the skin")),
    "milia": (N_("Tiny hard white dots"), N_("like grains of sand (milia)")),
    "mixed": (N_("A mix"), N_("more than one kind")),
}
BREAKOUT_KINDS = tuple(BREAKOUT_KIND_LABELS)
SCORE_LABELS: dict[str, str] = {
    "redness": N_("Redness"),
    "swelling": N_("Swelling"),
    "pain": N_("Pain"),
    "itch": N_("Itching"),
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
    "stops": N_("It stops with gentle pressure"),
    "does_not_stop": N_("It does not stop with pressure"),
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
    Sign("breathing_difficulty", N_("Trouble breathing or swallowing?"), N_("Trouble breathing")),
    Sign("throat_tightness", N_("Does your throat feel tight?"), N_("Throat tightness"),
         follows="breathing_difficulty"),
    Sign("hoarse_voice", N_("Is your voice hoarse?"), N_("Hoarse voice"),
         follows="breathing_difficulty"),
    Sign("trouble_swallowing", N_("Is it hard to swallow?"), N_("Trouble swallowing"),
         follows="breathing_difficulty"),
    Sign("facial_swelling", N_("Swelling of the lips, tongue, eyelids or whole face?"),
         N_("Swelling of the face, lips or eyelids")),
    Sign("lip_swelling", N_("Are your lips swollen?"), N_("Swollen lips"),
         follows="facial_swelling"),
    Sign("tongue_swelling", N_("Is your tongue swollen?"), N_("Swollen tongue"),
         follows="facial_swelling"),
    Sign("eye_swelling", N_("Is the swelling around an eye?"), N_("Swelling around an eye"),
         follows="facial_swelling"),
    Sign("eye_symptoms", N_("Eye pain, a red eye, or a change in how you see?"),
         N_("Eye symptoms")),
    Sign("eye_pain", N_("Does the eye hurt?"), N_("Eye pain"), follows="eye_symptoms"),
    Sign("light_sensitivity", N_("Does light hurt your eyes?"), N_("Light hurts the eyes"),
         follows="eye_symptoms"),
    Sign("vision_change", N_("Is your sight blurred, or have you lost some sight?"),
         N_("Blurred or lost vision"), follows="eye_symptoms"),
    Sign("facial_weakness", N_("Weakness or drooping on one side of the face?"),
         N_("Facial weakness")),
    Sign("numbness", N_("Numbness in the treated skin or face?"), N_("Numbness")),
    Sign("fever", N_("Fever or chills?"), N_("Fever or chills"),
         hint=N_("38 °C (100.4 °F) or higher, or feeling feverish.")),
    Sign("chills", N_("Shivering or chills?"), N_("Chills"), follows="fever"),
    Sign("feeling_very_unwell", N_("Do you feel very unwell?"), N_("Feeling very unwell"),
         follows="fever"),
    Sign("vomiting", N_("Are you being sick (vomiting)?"), N_("Vomiting"), follows="fever"),
    Sign("confusion", N_("Are you confused, or very sleepy?"), N_("Confusion"), follows="fever"),
    Sign("fast_heartbeat", N_("Is your heart beating fast at rest?"), N_("Fast heartbeat"),
         follows="fever"),
    Sign("spreading_redness", N_("Redness that is spreading or getting bigger?"),
         N_("Spreading redness")),
    Sign("red_streaks", N_("Red streaks or lines going out from the treated area?"),
         N_("Red streaks"),
         follows="spreading_redness"),
    Sign("redness_spreading_fast", N_("Is it spreading fast, within hours?"),
         N_("Redness spreading within hours"), follows="spreading_redness"),
    Sign("pus_or_yellow_crust", N_("Pus, or yellow or honey-coloured crusts?"),
         N_("Pus or yellow crusts")),
    Sign("blisters_clustered", N_("A group of small, painful blisters?"), N_("Clustered blisters")),
    Sign("blisters_around_mouth", N_("Are they around the mouth or lips?"),
         N_("Blisters around the mouth"),
         follows="blisters_clustered"),
    Sign("blisters_near_eye", N_("Are they near an eye?"), N_("Blisters near an eye"),
         follows="blisters_clustered"),
    Sign("blisters_nose_tip", N_("Are they on the tip or side of the nose?"),
         N_("Blisters on the tip of the nose"), follows="blisters_clustered"),
    Sign("tingling_or_burning", N_("Tingling, burning or stabbing pain in one spot?"),
         N_("Tingling or burning"), hint=N_("It can come a day before cold-sore blisters.")),
    Sign("pale_patches", N_("White or grey patches in the treated skin?"),
         N_("White or grey patches")),
    Sign("dusky_patches", N_("Dusky, purple or black patches?"),
         N_("Dusky, purple or black patches")),
    Sign("burnt_looking_skin", N_("Skin that looks burnt, raw or broken down?"),
         N_("Skin that looks burnt")),
    Sign("swollen_glands", N_("Swollen, tender glands (lumps) in the neck or by the ear?"),
         N_("Swollen glands")),
    Sign("warmth", N_("Treated skin that feels hot to the touch?"), N_("Skin feels hot")),
    Sign("worsening", N_("Is it getting worse instead of better?"), N_("Getting worse")),
    Sign("hives", N_("Itchy raised welts (hives)?"), N_("Hives")),
    Sign("rash", N_("A new rash?"), N_("New rash")),
    Sign("bleeding", N_("Bleeding from the treated skin?"), N_("Bleeding")),
    Sign("bruising", N_("Is there bruising?"), N_("Bruising"), follows="bleeding"),
    Sign("growing_lump", N_("A swelling or lump that keeps growing?"), N_("Growing lump"),
         follows="bleeding"),
    Sign("firm_red_bumps", N_("Firm red lumps that do not go away?"), N_("Firm red lumps")),
    Sign("dark_patches", N_("New darker patches of skin?"), N_("Darker patches")),
    Sign("track_marks", N_("Lines or dot patterns left on the skin?"), N_("Lines or dot patterns"),
         hint=N_("Marks in rows, in the pattern of the needles.")),
    Sign("flaking", N_("Flaking or peeling?"), N_("Flaking or peeling"), section="common"),
    Sign("tightness", N_("Skin feels tight or dry?"), N_("Tight or dry skin"), section="common"),
    Sign("sun_exposure", N_("Were you out in the sun without cover since treatment?"),
         N_("Time in the sun"), section="common"),
    Sign("picking", N_("Have you picked or scratched the treated skin?"),
         N_("Picking or scratching"),
         section="common"),
    Sign("new_product", N_("Did you start a new product on the treated skin in the last 3 days?"),
         N_("New product in the last 3 days"), section="common",
         hint=N_("Anything not used since the treatment: a serum, cream, sunscreen or makeup.")),
)  # fmt: skip
FLAGS = tuple(sign.name for sign in SIGNS)
SIGN_BY_NAME = {sign.name: sign for sign in SIGNS}

# "Worse than yesterday", per symptom (it replaces the one global `worsening` as what
# escalates: more peeling on day 4 is the usual course, more pain is not).
WORSE_LABELS: dict[str, str] = {
    "redness": N_("Redness"),
    "swelling": N_("Swelling"),
    "pain": N_("Pain"),
    "itch": N_("Itching"),
    "warmth": N_("Heat"),
    "spreading_redness": N_("Spreading redness"),
    "pus_or_yellow_crust": N_("Pus or crusts"),
    "breakouts": N_("Spots"),
    "bleeding": N_("Bleeding"),
    "blisters_clustered": N_("Blisters"),
    "swollen_glands": N_("Swollen glands"),
    "flaking": N_("Flaking or peeling"),
    "dark_patches": N_("Darker patches"),
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


def careful_reading(path: str) -> str:
    """How triage read an answer that was not given or could not be read (validate_checkin,
    keep_red_flags), in staff words: "symptoms.breakouts.kind" -> "as if the spots could hold
    pus (kind unknown)". Missing information raises a level, never lowers it (TR-02)."""
    name = path.removeprefix("symptoms.")
    if name in SCORES:
        return f"as the highest score ({SCORES[name]} of {SCORES[name]})"
    if name in SIGN_BY_NAME:
        return "as Yes"
    return {
        "breakouts": "as spots of unknown number, kind and place",
        "breakouts.count": "as some spots (number unknown)",
        "breakouts.kind": "as if the spots could hold pus (kind unknown)",
        "breakouts.outside_treated_area": "as Yes (some outside the treated area)",
        "temperature": "as not measured",
        "worse_than_yesterday": "as everything worse than yesterday",
        "bleeding_with_pressure": "as bleeding that does not stop",
    }.get(name, "as not given")
