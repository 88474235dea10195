"""A FHIR R4 Bundle per patient, built and validated by `fhir.resources`.

fhir.resources 7+ defaults to R5; the R4 family lives in its `R4B` subpackage (FHIR 4.3.0,
wire-compatible with R4 for every resource used here, Media included). Each resource is
validated when it is constructed, so a bundle that builds is a valid bundle.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.media import Media
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from needlecare.reports.records import CheckinRecord, PatientData, PhotoRecord, TreatmentRecord

FHIR_VERSION = "4.3.0 (R4B)"
BASE = "https://needlecare.org/fhir"
PATIENT_ID_SYSTEM = f"{BASE}/patient-id"
CHECKIN_CODES = f"{BASE}/CodeSystem/checkin"
TRIAGE_LEVELS = f"{BASE}/CodeSystem/triage-level"
PROCEDURE_CODES = f"{BASE}/CodeSystem/procedure"
QUESTIONNAIRE = f"{BASE}/Questionnaire/daily-checkin"
LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"

# code system, code, display. LOINC where a code fits the answer, else NeedleCare's own.
SCORE_CODES: dict[str, tuple[str, str, str]] = {
    "pain": (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    "redness": (CHECKIN_CODES, "redness", "Redness of the treated skin, 0 none to 3 strong"),
    "swelling": (CHECKIN_CODES, "swelling", "Swelling of the treated skin, 0 none to 3 strong"),
    "itch": (CHECKIN_CODES, "itch", "Itch of the treated skin, 0 none to 3 strong"),
    "breakouts": (CHECKIN_CODES, "breakout-count", "Number of new spots (breakouts)"),
}
TRIAGE_CODE = (CHECKIN_CODES, "triage-level", "NeedleCare triage level of a check-in")
LEVEL_DISPLAY = {
    "expected": "Expected healing",
    "monitor": "Monitor",
    "contact_clinic": "Contact the clinic",
    "urgent": "Urgent",
}


def _url() -> str:
    """A fresh urn:uuid per resource and export: ids are only unique per installation, and a
    receiver that merges bundles from two clinics must never conflate their resources."""
    return f"urn:uuid:{uuid.uuid4()}"


def _coding(code: tuple[str, str, str]) -> dict[str, Any]:
    system, value, display = code
    return {"coding": [{"system": system, "code": value, "display": display}], "text": display}


def _patient(data: PatientData) -> Patient:
    p = data.patient
    document: dict[str, Any] = {
        "id": f"patient-{p.id}",
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": str(p.id)}],
        # The name as the clinic knows the patient (often a pseudonym).
        "name": [{"text": p.display_name}],
    }
    if p.email:
        document["telecom"] = [{"system": "email", "value": p.email}]
    if data.clinic is not None:
        document["managingOrganization"] = {"display": data.clinic.name}
    return Patient.model_validate(document)


def _procedure(data: PatientData, treatment: TreatmentRecord, subject: str) -> Procedure:
    # Who performed it, as the clinic typed it: a display name, not a Practitioner resource.
    performer = [{"actor": {"display": treatment.operator}}] if treatment.operator else []
    return Procedure.model_validate(
        {
            **({"performer": performer} if performer else {}),
            "id": f"treatment-{treatment.id}",
            "status": "completed",
            "code": _coding(
                (PROCEDURE_CODES, "microneedling", "Microneedling (collagen induction therapy)")
            ),
            "subject": {"reference": subject},
            "performedDateTime": treatment.treatment_date.isoformat(),
            "bodySite": [{"text": area} for area in treatment.areas],
            "usedCode": [{"text": f"microneedling device: {treatment.device}"}],
            "note": [{"text": _procedure_note(treatment)}],
        }
    )


def _procedure_note(treatment: TreatmentRecord) -> str:
    parts = [f"Needle depth {treatment.depth_mm:g} mm", f"device {treatment.device}"]
    if treatment.fitzpatrick is not None:
        parts.append(f"Fitzpatrick skin type {treatment.fitzpatrick}")
    if treatment.serum:
        parts.append(f"serum: {treatment.serum}")
    return "; ".join(parts)


def _answer(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, str) and value:
        return {"valueString": value}
    return None


def _items(checkin: CheckinRecord) -> list[dict[str, Any]]:
    """One item per answered field, linkId = the field's path in the check-in schema."""
    items: list[dict[str, Any]] = [{"linkId": "day", "answer": [{"valueInteger": checkin.day}]}]
    for key, value in sorted(checkin.symptoms.items()):
        pairs = (
            [(f"symptoms.{key}.{k}", v) for k, v in sorted(value.items())]
            if isinstance(value, dict)
            else [(f"symptoms.{key}", value)]
        )
        for link_id, raw in pairs:
            answer = _answer(raw)
            if answer is not None:
                items.append({"linkId": link_id, "answer": [answer]})
    if checkin.products:
        items.append(
            {"linkId": "products", "answer": [{"valueString": p} for p in checkin.products if p]}
        )
    return items


def _questionnaire_response(
    checkin: CheckinRecord, subject: str, procedure: str | None
) -> QuestionnaireResponse:
    document: dict[str, Any] = {
        "id": f"checkin-{checkin.id}",
        "questionnaire": QUESTIONNAIRE,
        "status": "completed",
        "subject": {"reference": subject},
        "authored": checkin.created_at.isoformat(),
        "item": _items(checkin),
    }
    if procedure:
        document["partOf"] = [{"reference": procedure}]
    return QuestionnaireResponse.model_validate(document)


def _observation(
    obs_id: str,
    checkin: CheckinRecord,
    code: tuple[str, str, str],
    value: dict[str, Any],
    subject: str,
    response: str,
    notes: list[str] | None = None,
) -> Observation:
    document: dict[str, Any] = {
        "id": obs_id,
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": _coding(code),
        "subject": {"reference": subject},
        "effectiveDateTime": checkin.created_at.isoformat(),
        "derivedFrom": [{"reference": response}],
        **value,
    }
    if notes:
        document["note"] = [{"text": text} for text in notes]
    return Observation.model_validate(document)


def _observations(checkin: CheckinRecord, subject: str, response: str) -> list[Observation]:
    from needlecare.charts import measure_value

    found = []
    for key, code in SCORE_CODES.items():
        value = measure_value(checkin.symptoms, key)
        if value is not None:
            found.append(
                _observation(
                    f"checkin-{checkin.id}-{key}",
                    checkin,
                    code,
                    {"valueInteger": value},
                    subject,
                    response,
                )
            )
    level = {
        "valueCodeableConcept": {
            "coding": [
                {
                    "system": TRIAGE_LEVELS,
                    "code": checkin.level,
                    "display": LEVEL_DISPLAY.get(checkin.level, checkin.level),
                }
            ],
            "text": LEVEL_DISPLAY.get(checkin.level, checkin.level),
        }
    }
    notes = [f"{f.get('text', '')} (source: {f.get('source', '')})" for f in checkin.findings]
    found.append(
        _observation(
            f"checkin-{checkin.id}-triage", checkin, TRIAGE_CODE, level, subject, response, notes
        )
    )
    return found


def _media(photo: PhotoRecord, subject: str) -> Media:
    document: dict[str, Any] = {
        "id": f"photo-{photo.id}",
        "status": "completed",
        "type": {"coding": [{"system": MEDIA_TYPE, "code": "image", "display": "Image"}]},
        "subject": {"reference": subject},
        "createdDateTime": photo.taken_at.isoformat(),
        "content": {
            "contentType": photo.media_type,
            "title": photo.caption or f"photo {photo.id}",
        },
    }
    if photo.image:
        document["content"]["data"] = base64.b64encode(photo.image).decode("ascii")
    if photo.area:
        document["bodySite"] = {"text": photo.area}
    summary = _measurement_note(photo.measurement)
    if summary:
        document["note"] = [{"text": summary}]
    return Media.model_validate(document)


def _measurement_note(measurement: dict[str, Any]) -> str:
    redness = measurement.get("redness") or {}
    parts = []
    if (a_star := (redness.get("a_star") or {}).get("p50")) is not None:
        parts.append(f"median a* {a_star}")
    if (ei := (redness.get("erythema_index") or {}).get("median")) is not None:
        parts.append(f"erythema index {ei}")
    if "count" in (spots := measurement.get("spots") or {}):
        parts.append(f"red spots counted {spots['count']}")
    return ("Photo measurement (informs, does not diagnose): " + ", ".join(parts)) if parts else ""


def build_bundle(data: PatientData) -> Bundle:
    """Patient, Procedure per treatment, and per check-in a QuestionnaireResponse with an
    Observation per answered score and one for the triage level; Media per photo."""
    key = str(data.patient.id)
    subject = _url()
    entries: list[tuple[str, Resource]] = [(subject, _patient(data))]
    procedures = {}
    for treatment in data.treatments:
        url = _url()
        procedures[treatment.id] = url
        entries.append((url, _procedure(data, treatment, subject)))
    for checkin in data.checkins:
        response = _url()
        qr = _questionnaire_response(checkin, subject, procedures.get(checkin.treatment_id))
        entries.append((response, qr))
        for obs in _observations(checkin, subject, response):
            entries.append((_url(), obs))
    for photo in data.photos:
        entries.append((_url(), _media(photo, subject)))
    return Bundle.model_validate(
        {
            "id": f"needlecare-patient-{key}",
            "type": "collection",
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
        }
    )


def bundle_json(data: PatientData) -> str:
    """The bundle as FHIR JSON."""
    text: str = build_bundle(data).model_dump_json(exclude_none=True)
    return text
