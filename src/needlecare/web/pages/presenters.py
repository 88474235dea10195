"""Stored rows -> the plain values templates show (labels, dates, chart rows)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from needlecare.charts import Chart, symptom_charts
from needlecare.storage.models import Checkin, Treatment
from needlecare.web.pages.checkin_form import BREAKOUT_COUNT_LABELS
from needlecare.web.pages.vocab import AREAS, DEVICE_LABELS, ROMAN

_AREA_LABELS = {o["value"]: o["label"] for o in AREAS}


def day_label(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def time_label(value: datetime) -> str:
    return f"{value:%a} {value.day} {value:%b}, {value:%H:%M} UTC"


def short_time_label(value: datetime) -> str:
    return f"{value.day} {value:%b} {value:%H:%M}"


def treatment_view(treatment: Treatment) -> dict[str, Any]:
    return {
        "id": treatment.id,
        "date": treatment.treatment_date,
        "date_label": day_label(treatment.treatment_date),
        "depth_mm": f"{treatment.depth_mm:g}",
        "device": treatment.device.value,
        "device_label": DEVICE_LABELS.get(treatment.device.value, treatment.device.value),
        "areas_label": ", ".join(_AREA_LABELS.get(a, a) for a in treatment.areas) or "—",
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
        "date_label": short_time_label(checkin.created_at),
        "redness": symptoms.get("redness", 0),
        "swelling": symptoms.get("swelling", 0),
        "pain": symptoms.get("pain", 0),
        "breakouts": BREAKOUT_COUNT_LABELS.get(count, str(count)),
    }


def charts_for(checkins: list[Checkin], prefix: str = "trend") -> list[Chart]:
    return symptom_charts(((c.day, symptoms_of(c)) for c in checkins), prefix)


def result_view(checkin: Checkin) -> dict[str, Any]:
    result = checkin.triage_result or {}
    return {
        "checkin": {
            "id": checkin.id,
            "day": checkin.day,
            "level": checkin.level.value,
            "created_label": time_label(checkin.created_at),
        },
        "findings": [f for f in result.get("findings", []) if isinstance(f, dict)],
        "advice": [a for a in result.get("advice", []) if isinstance(a, str)],
        "phase": result.get("phase", ""),
    }
