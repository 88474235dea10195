"""Stored rows -> the plain values templates show (labels, dates, chart rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from needlecare.charts import Chart, symptom_charts
from needlecare.i18n import Text
from needlecare.services.messages import MessageView
from needlecare.storage.base import utcnow
from needlecare.storage.models import Checkin, Treatment
from needlecare.triage.localize import localize_advice, localize_findings
from needlecare.triage.vocabulary import SIGN_BY_NAME, careful_reading
from needlecare.web.pages.checkin_questions import (
    BREAKOUT_COUNT_LABELS,
    BREAKOUT_KINDS,
    COMMON_QUESTIONS,
    RED_FLAG_QUESTIONS,
    SCORE_QUESTIONS,
)
from needlecare.web.pages.vocab import AREAS, DEVICE_LABELS, ROMAN, humanize, label_for

_AREA_LABELS = {o["value"]: o["label"] for o in AREAS}


def day_label(value: date) -> str:
    # Text: "Sat 5 Dec 2026" here, the reader's own way where a template shows it.
    return Text("{date}", date=value)


def treatment_view(treatment: Treatment) -> dict[str, Any]:
    return {
        "id": treatment.id,
        "date": treatment.treatment_date,
        "date_label": day_label(treatment.treatment_date),
        "depth_mm": f"{treatment.depth_mm:g}",
        "depth": treatment.depth_mm,  # a number: templates write it the locale's way
        "device": treatment.device.value,
        "device_label": DEVICE_LABELS.get(treatment.device.value, treatment.device.value),
        "areas_label": ", ".join(_AREA_LABELS.get(a, a) for a in treatment.areas) or "—",
        "area_labels": [_AREA_LABELS.get(a, a) for a in treatment.areas] or ["—"],
        "fitzpatrick": treatment.fitzpatrick,
        "fitzpatrick_roman": ROMAN.get(treatment.fitzpatrick or 0, ""),
        "serum": treatment.serum,
    }


def symptoms_of(checkin: Checkin) -> dict[str, Any]:
    symptoms = (checkin.triage_input or {}).get("symptoms") or {}
    return symptoms if isinstance(symptoms, dict) else {}


def breakout_count(symptoms: dict[str, Any]) -> int:
    breakouts = symptoms.get("breakouts") or {}
    count = breakouts.get("count", 0) if isinstance(breakouts, dict) else 0
    return count if isinstance(count, int) else 0


def checkin_row(checkin: Checkin, href: str) -> dict[str, Any]:
    symptoms = symptoms_of(checkin)
    count = breakout_count(symptoms)
    return {
        "id": checkin.id,
        "href": href,
        "day": checkin.day,
        "level": checkin.level.value,
        "created_at": checkin.created_at,
        "redness": symptoms.get("redness", 0),
        "swelling": symptoms.get("swelling", 0),
        "pain": symptoms.get("pain", 0),
        "breakouts": BREAKOUT_COUNT_LABELS.get(count, str(count)),
        # Answers a kept check-in lacked: its level was raised for them (TR-02); the tables
        # and Today say so, not only the check-in's own page (round 3).
        "missing": missing_count(checkin),
    }


def missing_count(checkin: Checkin) -> int:
    errors = (checkin.triage_result or {}).get("field_errors")
    return len(errors) if isinstance(errors, list) else 0


def charts_for(checkins: list[Checkin], prefix: str = "trend", locale: str = "en") -> list[Chart]:
    return symptom_charts(((c.day, symptoms_of(c)) for c in checkins), prefix, locale)


# A conditional line ("if you get a fever, get care") is no advice to someone who has just
# said they have one. At the urgent level (whose own advice already says: medical care now)
# such lines are left out when a sign they name was reported; below it they stay, since
# there they are the only words that escalate.
_CONDITIONAL_SIGNS = {
    "fever": ("get a fever", "have a fever"),
    "spreading_redness": ("redness spreads", "redness that spreads", "spreads past the line"),
    "pus_or_yellow_crust": ("pus",),
    "blisters_clustered": ("blisters",),
    "facial_swelling": ("swelling of the face", "lips, tongue or face swell"),
    "breathing_difficulty": ("breathing is hard", "trouble breathing", "breathing gets hard"),
}


def advice_for_answers(advice: list[str], symptoms: dict[str, Any], level: str) -> list[str]:
    if level != "urgent":
        return advice
    reported = [name for name in _CONDITIONAL_SIGNS if symptoms.get(name) is True]
    kept = []
    for line in advice:
        lowered = line.lower()
        conditional = " if " in f" {lowered}"
        if conditional and any(
            phrase in lowered for name in reported for phrase in _CONDITIONAL_SIGNS[name]
        ):
            continue
        kept.append(line)
    return kept


def result_view(checkin: Checkin, locale: str = "en", *, staff: bool = False) -> dict[str, Any]:
    """The stored result in the reader's language (findings and advice keyed by rule code);
    `staff`: the findings in the clinic's words."""
    result = checkin.triage_result or {}
    return {
        "checkin": {
            "id": checkin.id,
            "day": checkin.day,
            "level": checkin.level.value,
            "created_at": checkin.created_at,
        },
        "findings": localize_findings(
            locale, [f for f in result.get("findings", []) if isinstance(f, dict)], staff=staff
        ),
        "advice": localize_advice(
            locale,
            advice_for_answers(  # reads the English lines, so it runs before translation
                [a for a in result.get("advice", []) if isinstance(a, str)],
                symptoms_of(checkin),
                checkin.level.value,
            ),
        ),
        "reported": [
            SIGN_BY_NAME[q["name"]].label
            for q in RED_FLAG_QUESTIONS
            if symptoms_of(checkin).get(q["name"]) is True
        ],
        "phase": result.get("phase", ""),
    }


def message_rows(views: Sequence[MessageView]) -> list[dict[str, Any]]:
    return [
        {
            "id": view.id,
            "from_clinic": view.from_clinic,
            "author_name": view.author_name,
            "body": view.body,
            "alert_id": view.alert_id,
            "created_at": view.created_at,
        }
        for view in views
    ]


_QUESTION_LABELS = {
    **{sign.name: sign.prompt for sign in SIGN_BY_NAME.values()},  # follow-ups too
    **{q["name"]: q["prompt"] for q in SCORE_QUESTIONS + RED_FLAG_QUESTIONS + COMMON_QUESTIONS},
    "bleeding_with_pressure": "Does it stop with gentle pressure?",
}
_OPTION_LABELS = {
    q["name"]: {o["value"]: o["label"] for o in q["options"]} for q in SCORE_QUESTIONS
}
_KIND_LABELS = {o["value"]: o["label"] for o in BREAKOUT_KINDS}


_WORDED_ANSWERS = frozenset(
    {"temperature", "worse_than_yesterday", "bleeding_with_pressure", "other"}
)


def _answer_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return "Not answered"
    if name in _OPTION_LABELS:
        label = _OPTION_LABELS[name].get(str(value), str(value))
        return str(value) if label == str(value) else f"{value} ({label})"
    if name == "breakouts.count" and isinstance(value, int):
        return BREAKOUT_COUNT_LABELS.get(value, str(value))
    if name == "breakouts.kind":
        return _KIND_LABELS.get(str(value), humanize(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "None"
    return str(value)


def answers_of(checkin: Checkin) -> list[dict[str, Any]]:
    """Every stored answer as given: known fields with their question, any other with its key
    (so a field added to the check-in later still shows)."""
    rows: list[dict[str, Any]] = []
    for name, value in symptoms_of(checkin).items():
        if name in _WORDED_ANSWERS:  # answers with their own wording in the vocabulary
            label, _, words = label_for(name, value).partition(": ")
            rows.append({"key": name, "label": label, "value": words})
            continue
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                key = f"{name}.{sub}"
                label = f"{humanize(name)}: {humanize(sub).lower()}"
                rows.append({"key": key, "label": label, "value": _answer_text(key, sub_value)})
            continue
        label = _QUESTION_LABELS.get(name, humanize(name))
        rows.append({"key": name, "label": label, "value": _answer_text(name, value)})
    products = (checkin.triage_input or {}).get("products")
    if products:
        rows.append(
            {"key": "products", "label": "Products used", "value": _answer_text("", products)}
        )
    return rows + _not_given(checkin)


# Questions besides the yes/no signs that the form can leave unanswered (missing information,
# not a careful reading), by their path under `symptoms.`.
_UNANSWERED_LABELS = {
    "bleeding_with_pressure": "Does it stop with gentle pressure?",
    "breakouts.outside_treated_area": "Are some spots outside the treated area?",
}


def _not_given(checkin: Checkin) -> list[dict[str, Any]]:
    """The answers a kept check-in lacked (its result's `field_errors`), each with how triage
    read it: a clinician must never take a careful reading ("pus-filled") for an answer.
    Yes/no questions the form left unanswered are one row listing them: twenty identical
    rows (a fever and nothing else answered) hid the answers given (round 3)."""
    rows: list[dict[str, Any]] = []
    unanswered: list[str] = []
    errors = (checkin.triage_result or {}).get("field_errors") or []
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict):
            continue
        path = str(error.get("field", ""))
        key = path.removeprefix("symptoms.")
        name, _, sub = key.partition(".")
        label = _QUESTION_LABELS.get(name, humanize(name))
        if sub:
            label = f"{humanize(name)}: {humanize(sub).lower()}"
        given = error.get("given")
        if given == "" and (key in SIGN_BY_NAME or key in _UNANSWERED_LABELS):
            # a question the form left unanswered (not an unreadable answer): missing
            unanswered.append(_UNANSWERED_LABELS.get(key, label))
            continue
        said = (
            f"Could not be read: “{given}” as typed"
            if isinstance(given, str) and given
            else "NOT ANSWERED"
        )
        reading = careful_reading(path) if path.startswith("symptoms.") else "left out"
        rows.append(
            {"key": key, "label": label, "value": f"{said}; read on the careful side, {reading}"}
        )
    if unanswered:
        rows.insert(
            0,
            {
                "key": "unanswered",
                "label": "Questions left unanswered" if len(unanswered) > 1 else unanswered[0],
                "value": "NOT ANSWERED; read on the careful side, as missing information "
                "(neither Yes nor No), which raises the level"
                + (f" ({len(unanswered)} questions):" if len(unanswered) > 1 else ""),
                "questions": unanswered if len(unanswered) > 1 else [],
            },
        )
    return rows


def age_label(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    minutes = int(((now or utcnow()) - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"
