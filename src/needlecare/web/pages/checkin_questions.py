"""The daily check-in's questions in plain words, with their answer options: scores, the
warning signs (from the one check-in vocabulary, `triage.vocabulary`) with their follow-ups,
spots, and the "more" answers. Reading a posted form into the triage schema:
`checkin_form.py`."""

from __future__ import annotations

from typing import Any

from needlecare.i18n import N_
from needlecare.triage.vocabulary import (
    BLEEDING_WITH_PRESSURE,
    BREAKOUT_KIND_LABELS,
    FLAGS,
    SCORES,
    SIGNS,
    WORSE_LABELS,
    Sign,
)

Option = dict[str, Any]


def _scale(*labels: tuple[str, str]) -> list[Option]:
    return [{"value": str(i), "label": label, "sub": sub} for i, (label, sub) in enumerate(labels)]


SCORE_QUESTIONS: list[dict[str, Any]] = [
    {
        "name": "redness",
        "prompt": N_("Redness"),
        "cols": 4,
        "hint": None,
        "options": _scale(
            (N_("None"), N_("usual colour")),
            (N_("Mild"), N_("pink")),
            (N_("Moderate"), N_("like sunburn")),
            (N_("Strong"), N_("deep red")),
        ),
    },
    {
        "name": "swelling",
        "prompt": N_("Swelling"),
        "cols": 4,
        "hint": None,
        "options": _scale(
            (N_("None"), ""),
            (N_("Slight"), N_("a bit puffy")),
            (N_("Clear"), N_("easy to see")),
            (N_("Strong"), N_("very puffy")),
        ),
    },
    {
        "name": "pain",
        "prompt": N_("Pain or soreness, from 0 (none) to 10 (worst you can imagine)"),
        "cols": 6,
        "hint": None,
        "options": [
            {
                "value": str(i),
                "label": str(i),
                "sub": {0: N_("none"), 5: N_("medium"), 10: N_("worst")}.get(i, ""),
            }
            for i in range(11)
        ],
    },
    {
        "name": "itch",
        "prompt": N_("Itching"),
        "cols": 4,
        "hint": None,
        "options": _scale(
            (N_("None"), ""),
            (N_("Mild"), ""),
            (N_("Moderate"), ""),
            (N_("Strong"), N_("hard not to scratch")),
        ),
    },
]
SCORE_MAX = dict(SCORES)

# Counts are asked in ranges (one tap); the top of each range is stored, so the engine reads
# an uncertain count on the careful side.
BREAKOUT_COUNTS: list[Option] = [
    {"value": "0", "label": N_("None"), "sub": ""},
    {"value": "2", "label": "1–2", "sub": ""},
    {"value": "5", "label": "3–5", "sub": ""},
    {"value": "10", "label": "6–10", "sub": ""},
    {"value": "20", "label": N_("More than 10"), "sub": ""},
]
BREAKOUT_COUNT_LABELS = {int(o["value"]): o["label"] for o in BREAKOUT_COUNTS}

BREAKOUT_KINDS: list[Option] = [
    {"value": value, "label": label, "sub": sub}
    for value, (label, sub) in BREAKOUT_KIND_LABELS.items()
]
BREAKOUT_KIND_VALUES = frozenset(o["value"] for o in BREAKOUT_KINDS)


def _question(sign: Sign) -> dict[str, Any]:
    followups = [_question(s) for s in SIGNS if s.follows == sign.name]
    return {"name": sign.name, "prompt": sign.prompt, "hint": sign.hint, "followups": followups}


# The questions come from the one check-in vocabulary, in its order (most dangerous first,
# reference.md#TR-01); a sign that matters only with another is its follow-up, shown when
# that one is answered Yes (and always without JavaScript).
RED_FLAG_QUESTIONS: list[dict[str, Any]] = [
    _question(s) for s in SIGNS if s.section == "warning" and s.follows is None
]
COMMON_QUESTIONS: list[dict[str, Any]] = [
    _question(s) for s in SIGNS if s.section == "common" and s.follows is None
]
YES_NO_FIELDS = FLAGS
# The warning-sign questions start unanswered: a patient who scrolls past them has not said
# "No" (outside tester's finding 12). Each needs Yes or No, or "none of these" ticked; one left
# unanswered next to a Yes is missing information (kept, and it raises the level, TR-02).
WARNING_SIGNS = frozenset(q["name"] for q in RED_FLAG_QUESTIONS)
# A warning sign's follow-ups ("Are you confused?" under a fever) start unanswered too: a
# pre-set "No" under a Yes sent "No" to urgent signs the patient never read (round 3). One left
# unanswered under a Yes is missing information, like a warning sign left unanswered.
FOLLOW_UPS: dict[str, str] = {
    s.name: s.follows for s in SIGNS if s.section == "warning" and s.follows is not None
}
UNANSWERED = N_("Choose Yes or No, or tick “I have none of the other warning signs”.")
FOLLOW_UP_UNANSWERED = N_("Answer yes or no.")
YES_NO_OPTIONS: list[Option] = [
    {"value": "false", "label": N_("No")},
    {"value": "true", "label": N_("Yes")},
]
WORSE_OPTIONS: list[Option] = [{"value": k, "label": v} for k, v in WORSE_LABELS.items()]
BLEEDING_OPTIONS: list[Option] = [
    {"value": k, "label": v, "sub": ""} for k, v in BLEEDING_WITH_PRESSURE.items()
]
TEMPERATURE_UNITS: list[Option] = [
    {"value": "C", "label": "°C", "sub": ""},
    {"value": "F", "label": "°F", "sub": ""},
]

# Each answer's question, by form field: what the error summary names.
PROMPTS: dict[str, str] = {
    **{q["name"]: q["prompt"] for q in SCORE_QUESTIONS},
    **{sign.name: sign.prompt for sign in SIGNS},
    "temperature_value": N_("Your temperature, if you measured it"),
    "worse": N_("What is worse than yesterday?"),
    "bleeding_with_pressure": N_("Does it stop with gentle pressure?"),
    "other": N_("Anything else?"),
    "breakouts_count": N_("How many new spots?"),
    "breakouts_kind": N_("What do they look like mostly?"),
    "breakouts_outside": N_("Are some outside the treated area?"),
    "products": N_("Ingredient list"),
}
