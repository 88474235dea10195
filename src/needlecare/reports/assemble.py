"""Assemble a patient report (pure): plain records in, a `PatientReport` out.

The PDF template only lays out what is decided here, so what the report says is tested
without rendering anything. Every word is said in the report's `locale` (its reader's
language, issue 22): findings and advice are stored in English with their rule codes and
translated here; codes (levels, phases) stay in the model beside their labels.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from needlecare.charts import Chart, measure_value, symptom_charts
from needlecare.i18n import N_, Text, format_number, localize, translator
from needlecare.knowledge.citations import (
    ReferenceEntry,
    UnknownCitation,
    reference_title,
    resolve,
)
from needlecare.photos.words import confidence_name, ita_name
from needlecare.reports.records import (
    AlertRecord,
    NoteRecord,
    PatientData,
    PhotoRecord,
    RecommendationRecord,
    TreatmentRecord,
)
from needlecare.timeline import build_timeline
from needlecare.timeline.content import PHASE_NAMES
from needlecare.triage.localize import finding_text
from needlecare.triage.vocabulary import BREAKOUT_KIND_LABELS, SIGN_BY_NAME

DISCLAIMER = N_("NeedleCare informs; it does not diagnose.")
LEVEL_LABELS = {
    "expected": N_("Expected healing"),
    "monitor": N_("Keep an eye on it"),
    "contact_clinic": N_("Contact the clinic"),
    "urgent": N_("Urgent"),
}
ALERT_STATES = {"open": N_("open"), "acknowledged": N_("acknowledged"),
                "resolved": N_("resolved")}  # fmt: skip
_PHASES = dict(zip(("inflammation", "recovery", "remodelling"), PHASE_NAMES, strict=True))
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
    signs: list[str]  # the yes/no signs answered yes, and the kind of spots (labels)
    level: str
    level_label: str
    missing: int = 0  # answers not given or unreadable (the level was raised for them)


@dataclass(frozen=True)
class AlertLine:
    id: int
    level: str
    level_label: str
    state_label: str
    created: date


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
    today_phase: str | None  # the timeline's phase code
    latest_level: str | None
    latest_level_label: str | None
    latest_checkin: date | None
    open_alerts: list[AlertLine]
    latest_findings: list[FindingLine] = field(default_factory=list)
    latest_not_given: list[str] = field(default_factory=list)  # questions, in the locale
    other_treatments: list[TreatmentRecord] = field(default_factory=list)
    today_phase_label: str | None = None  # the phase as the reader says it


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
    locale: str = "en"


def source_ref(citation: str, locale: str = "en") -> SourceRef | None:
    """The citation with the title of what it names; None for an empty citation."""
    if not citation:
        return None
    try:
        target = resolve(citation)
    except UnknownCitation:
        return SourceRef(citation, localize(locale, N_("(not in the packaged reference)")))
    if isinstance(target, ReferenceEntry):
        return SourceRef(citation, reference_title(locale, target))
    return SourceRef(citation, target.text)  # a published work keeps its own title


def _position(treatment: TreatmentRecord, today: date) -> tuple[int | None, str | None]:
    """Today's day after treatment and its recovery phase code, from the timeline."""
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
    return day, (f"past:{last}" if last is not None else None)


def _phase_label(phase: str | None, locale: str) -> str | None:
    if phase is None:
        return None
    if phase.startswith("past:"):
        last = int(phase.removeprefix("past:"))
        return localize(locale, Text("past day {day}: recovery window over", day=last))
    return localize(locale, _PHASES.get(phase, phase))


def _finding_line(
    finding: dict[str, str], days: list[int], locale: str, staff: bool
) -> FindingLine:
    code = finding.get("code", "")
    return FindingLine(
        code=code,
        text=finding_text(locale, code, finding.get("text", ""), staff=staff),
        source=source_ref(finding.get("source", ""), locale),
        days=days,
    )


def _findings(data: PatientData, locale: str, staff: bool) -> list[FindingLine]:
    seen: dict[str, tuple[dict[str, str], list[int]]] = {}
    for checkin in data.checkins:
        for finding in checkin.findings:
            code = finding.get("code", "")
            entry = seen.setdefault(code, (finding, []))
            # keep the latest wording (it names the latest day)
            seen[code] = (finding, [*entry[1], checkin.day])
    lines = [
        _finding_line(finding, sorted(set(days)), locale, staff) for finding, days in seen.values()
    ]
    return sorted(lines, key=lambda line: (-max(line.days), line.code))


def _measurement_rows(measurement: dict[str, Any], locale: str) -> list[tuple[str, str]]:
    """The few numbers of a photo measurement a reader compares from photo to photo."""
    _ = translator(locale)
    rows: list[tuple[str, str]] = []
    redness = measurement.get("redness") or {}
    a_star = (redness.get("a_star") or {}).get("p50")
    if a_star is not None:
        rows.append((_("Redness, median a*"), format_number(a_star, locale, 2)))
    ei = (redness.get("erythema_index") or {}).get("median")
    if ei is not None:
        rows.append((_("Erythema index, median"), format_number(ei, locale, 2)))
    spots = measurement.get("spots") or {}
    if "count" in spots:
        rows.append((_("Red spots counted"), f"{spots['count']}"))
    tone = measurement.get("skin_tone") or {}
    if tone.get("ita_degrees") is not None:
        degrees = format_number(tone["ita_degrees"], locale, 1)
        category = ita_name(locale, str(tone.get("category") or ""))
        rows.append((_("Skin tone (ITA)"), f"{degrees}° {category}".strip()))
    confidence = measurement.get("confidence") or {}
    if confidence.get("level"):
        level = confidence_name(locale, str(confidence["level"]))
        rows.append((_("Measurement confidence"), level))
    return rows


def _photo(photo: PhotoRecord, locale: str) -> PhotoBlock:
    encoded = base64.b64encode(photo.image).decode("ascii") if photo.image else None
    return PhotoBlock(
        caption=photo.caption,
        taken=photo.taken_at.date(),
        day=photo.day,
        area=photo.area,
        data_uri=f"data:{photo.media_type};base64,{encoded}" if encoded else None,
        measurements=_measurement_rows(photo.measurement, locale),
    )


def _signs(symptoms: dict[str, Any], locale: str) -> list[str]:
    """The signs answered yes, as the check-in form names them, and the kind of spots."""
    say = translator(locale)
    signs = [
        say(SIGN_BY_NAME[key].label) if key in SIGN_BY_NAME else key.replace("_", " ")
        for key, value in symptoms.items()
        if value is True
    ]
    breakouts = symptoms.get("breakouts")
    if isinstance(breakouts, dict) and breakouts.get("kind"):
        kind = str(breakouts["kind"])
        label = BREAKOUT_KIND_LABELS.get(kind, (kind.replace("_", " "),))[0]
        signs.append(localize(locale, Text("spots: {kind}", kind=Text(label))))
    return signs


# Answers that are not a yes/no sign, as the report names them when they were not given.
_NOT_GIVEN_LABELS = {
    "breakouts.kind": N_("Kind of spots"),
    "breakouts.count": N_("Number of spots"),
    "breakouts.outside_treated_area": N_("Spots outside the treated area"),
    "temperature": N_("Temperature"),
    "bleeding_with_pressure": N_("Whether bleeding stops with pressure"),
    "worse_than_yesterday": N_("What is worse than yesterday"),
}


def _not_given(paths: list[str], locale: str) -> list[str]:
    """The questions a check-in lacked, as the form names them ("Fever or chills")."""
    say = translator(locale)
    names = []
    for path in paths:
        key = path.removeprefix("symptoms.")
        if key in SIGN_BY_NAME:
            names.append(say(SIGN_BY_NAME[key].label))
        elif key in _NOT_GIVEN_LABELS:
            names.append(say(_NOT_GIVEN_LABELS[key]))
        else:
            names.append(key.replace("_", " ").replace(".", ": "))
    return names


def _alert(alert: AlertRecord, locale: str) -> AlertLine:
    return AlertLine(
        id=alert.id,
        level=alert.level,
        level_label=localize(locale, LEVEL_LABELS.get(alert.level, alert.level)),
        state_label=localize(locale, ALERT_STATES.get(alert.state, alert.state)),
        created=alert.created_at.date(),
    )


def _level_label(level: str, locale: str) -> str:
    return localize(locale, LEVEL_LABELS.get(level, level))


def build_report(
    data: PatientData,
    today: date,
    generated_at: datetime,
    locale: str = "en",
    *,
    staff: bool = False,
) -> PatientReport:
    """Everything the PDF shows, decided from the records alone, in `locale`; `staff`: the
    clinic's copy, its findings in the clinic's words (the patient's own copy speaks to them)."""
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
        today_phase_label=_phase_label(today_phase, locale),
        latest_level=latest.level if latest else None,
        latest_level_label=_level_label(latest.level, locale) if latest else None,
        latest_checkin=latest.created_at.date() if latest else None,
        open_alerts=[_alert(a, locale) for a in data.alerts if a.state != "resolved"],
        latest_findings=[_finding_line(f, [latest.day], locale, staff) for f in latest.findings]
        if latest
        else [],
        latest_not_given=_not_given(latest.not_given, locale) if latest else [],
        other_treatments=[t for t in data.treatments if t is not treatment],
    )
    rows = [
        CheckinRow(
            date=c.created_at.date(),
            day=c.day,
            scores={key: measure_value(c.symptoms, key) for key in SCORE_COLUMNS},
            signs=_signs(c.symptoms, locale),
            level=c.level,
            level_label=_level_label(c.level, locale),
            missing=len(c.not_given),
        )
        for c in data.checkins
    ]
    return PatientReport(
        generated_at=generated_at,
        summary=summary,
        checkins=rows,
        charts=symptom_charts(((c.day, c.symptoms) for c in data.checkins), locale=locale),
        findings=_findings(data, locale, staff),
        notes=list(data.notes),
        recommendations=list(data.recommendations),
        photos=[_photo(p, locale) for p in data.photos],
        disclaimer=localize(locale, DISCLAIMER),
        locale=locale,
    )
