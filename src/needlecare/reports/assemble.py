"""Assemble a patient report (pure): plain records in, a `PatientReport` out.

The PDF template only lays out what is decided here, so what the report says is tested
without rendering anything.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from needlecare.charts import Chart, measure_value, symptom_charts
from needlecare.knowledge.citations import ReferenceEntry, UnknownCitation, resolve
from needlecare.reports.records import (
    AlertRecord,
    CheckinRecord,
    NoteRecord,
    PatientData,
    PhotoRecord,
    RecommendationRecord,
    TreatmentRecord,
)
from needlecare.timeline import build_timeline

DISCLAIMER = "NeedleCare informs; it does not diagnose."
LEVEL_LABELS = {
    "expected": "Expected healing",
    "monitor": "Keep an eye on it",
    "contact_clinic": "Contact the clinic",
    "urgent": "Urgent",
}
SCORE_COLUMNS = ("redness", "swelling", "pain", "itch", "breakouts")


@dataclass(frozen=True)
class SourceRef:
    citation: str  # e.g. reference.md#AE-01
    title: str  # what the citation points at, resolved from the packaged reference


@dataclass(frozen=True)
class FindingLine:
    code: str
    text: str
    source: SourceRef | None
    days: list[int]  # the days after treatment on which a check-in raised it


@dataclass(frozen=True)
class CheckinRow:
    date: date
    day: int
    scores: dict[str, int | None]
    signs: list[str]  # the yes/no signs answered yes, and the kind of spots
    level: str
    level_label: str


@dataclass(frozen=True)
class PhotoBlock:
    caption: str
    taken: date
    day: int | None
    area: str
    data_uri: str | None
    measurements: list[tuple[str, str]]


@dataclass(frozen=True)
class Summary:
    patient_id: int
    patient_name: str
    clinic_name: str | None
    treatment: TreatmentRecord | None
    skin_type: int | None
    today: date
    today_day: int | None
    today_phase: str | None
    latest_level: str | None
    latest_level_label: str | None
    latest_checkin: date | None
    open_alerts: list[AlertRecord]
    latest_findings: list[FindingLine] = field(default_factory=list)
    other_treatments: list[TreatmentRecord] = field(default_factory=list)


@dataclass(frozen=True)
class PatientReport:
    generated_at: datetime
    summary: Summary
    checkins: list[CheckinRow]
    charts: list[Chart]
    findings: list[FindingLine]
    notes: list[NoteRecord]
    recommendations: list[RecommendationRecord]
    photos: list[PhotoBlock]
    disclaimer: str = DISCLAIMER


def source_ref(citation: str) -> SourceRef | None:
    """The citation with the title of what it names; None for an empty citation."""
    if not citation:
        return None
    try:
        target = resolve(citation)
    except UnknownCitation:
        return SourceRef(citation, "(not in the packaged reference)")
    title = target.title if isinstance(target, ReferenceEntry) else target.text
    return SourceRef(citation, title)


def _position(treatment: TreatmentRecord, today: date) -> tuple[int | None, str | None]:
    """Today's day after treatment and its recovery phase, from the timeline."""
    document: dict[str, Any] = {
        "date": treatment.treatment_date.isoformat(),
        "depth_mm": treatment.depth_mm,
        "device": treatment.device,
        "areas": list(treatment.areas),
    }
    if treatment.fitzpatrick is not None:
        document["fitzpatrick"] = treatment.fitzpatrick
    day = (today - treatment.treatment_date).days
    if day < 0:
        return None, None
    timeline = build_timeline(document, today)
    phases = {entry["day"]: entry["phase"] for entry in timeline["days"]}
    if day in phases:
        return day, str(phases[day])
    last = max(phases) if phases else None
    return day, (f"past day {last}: recovery window over" if last is not None else None)


def _findings(data: PatientData) -> list[FindingLine]:
    seen: dict[str, tuple[dict[str, str], list[int]]] = {}
    for checkin in data.checkins:
        for finding in checkin.findings:
            code = finding.get("code", "")
            entry = seen.setdefault(code, (finding, []))
            # keep the latest wording (it names the latest day)
            seen[code] = (finding, [*entry[1], checkin.day])
    lines = [
        FindingLine(
            code=code,
            text=finding.get("text", ""),
            source=source_ref(finding.get("source", "")),
            days=sorted(set(days)),
        )
        for code, (finding, days) in seen.items()
    ]
    return sorted(lines, key=lambda line: (-max(line.days), line.code))


def _measurement_rows(measurement: dict[str, Any]) -> list[tuple[str, str]]:
    """The few numbers of a photo measurement a reader compares from photo to photo."""
    rows: list[tuple[str, str]] = []
    redness = measurement.get("redness") or {}
    a_star = (redness.get("a_star") or {}).get("p50")
    if a_star is not None:
        rows.append(("Redness, median a*", f"{a_star}"))
    ei = (redness.get("erythema_index") or {}).get("median")
    if ei is not None:
        rows.append(("Erythema index, median", f"{ei}"))
    spots = measurement.get("spots") or {}
    if "count" in spots:
        rows.append(("Red spots counted", f"{spots['count']}"))
    tone = measurement.get("skin_tone") or {}
    if tone.get("ita_degrees") is not None:
        rows.append(("Skin tone (ITA)", f"{tone['ita_degrees']}° {tone.get('category', '')}"))
    confidence = measurement.get("confidence") or {}
    if confidence.get("level"):
        rows.append(("Measurement confidence", str(confidence["level"])))
    return rows


def _photo(photo: PhotoRecord) -> PhotoBlock:
    encoded = base64.b64encode(photo.image).decode("ascii") if photo.image else None
    return PhotoBlock(
        caption=photo.caption,
        taken=photo.taken_at.date(),
        day=photo.day,
        area=photo.area,
        data_uri=f"data:{photo.media_type};base64,{encoded}" if encoded else None,
        measurements=_measurement_rows(photo.measurement),
    )


def _signs(symptoms: dict[str, Any]) -> list[str]:
    signs = [key.replace("_", " ") for key, value in symptoms.items() if value is True]
    breakouts = symptoms.get("breakouts")
    if isinstance(breakouts, dict) and breakouts.get("kind"):
        signs.append(f"spots: {str(breakouts['kind']).replace('_', ' ')}")
    return signs


def _latest_findings(latest: CheckinRecord | None) -> list[FindingLine]:
    if latest is None:
        return []
    return [
        FindingLine(
            f.get("code", ""), f.get("text", ""), source_ref(f.get("source", "")), [latest.day]
        )
        for f in latest.findings
    ]


def build_report(data: PatientData, today: date, generated_at: datetime) -> PatientReport:
    """Everything the PDF shows, decided from the records alone."""
    treatment = data.latest_treatment
    today_day, today_phase = _position(treatment, today) if treatment else (None, None)
    latest = max(data.checkins, key=lambda c: (c.created_at, c.id)) if data.checkins else None
    summary = Summary(
        patient_id=data.patient.id,
        patient_name=data.patient.display_name,
        clinic_name=data.clinic.name if data.clinic else None,
        treatment=treatment,
        skin_type=(treatment.fitzpatrick if treatment else None) or data.patient.fitzpatrick,
        today=today,
        today_day=today_day,
        today_phase=today_phase,
        latest_level=latest.level if latest else None,
        latest_level_label=LEVEL_LABELS.get(latest.level, latest.level) if latest else None,
        latest_checkin=latest.created_at.date() if latest else None,
        open_alerts=[a for a in data.alerts if a.state != "resolved"],
        latest_findings=_latest_findings(latest),
        other_treatments=[t for t in data.treatments if t is not treatment],
    )
    rows = [
        CheckinRow(
            date=c.created_at.date(),
            day=c.day,
            scores={key: measure_value(c.symptoms, key) for key in SCORE_COLUMNS},
            signs=_signs(c.symptoms),
            level=c.level,
            level_label=LEVEL_LABELS.get(c.level, c.level),
        )
        for c in data.checkins
    ]
    return PatientReport(
        generated_at=generated_at,
        summary=summary,
        checkins=rows,
        charts=symptom_charts((c.day, c.symptoms) for c in data.checkins),
        findings=_findings(data),
        notes=list(data.notes),
        recommendations=list(data.recommendations),
        photos=[_photo(p) for p in data.photos],
    )
