"""ORM rows and service results -> response models."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response
from pydantic import BaseModel

from needlecare.services.alerts import AlertView
from needlecare.services.checkins import CheckinOutcome
from needlecare.services.principal import Principal
from needlecare.storage.models import Alert, Checkin, Patient
from needlecare.web.api.schemas.accounts import MeOut, PatientOut
from needlecare.web.api.schemas.care import AlertOut, AnswerError, CheckinOut, TriageResult


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    """A JSON response serialised once by pydantic, for a route that chooses its status code
    (its `response_model` still documents the shape)."""
    body = model.__pydantic_serializer__.to_json(model)
    return Response(body, status_code=status_code, media_type="application/json")


def me_out(principal: Principal) -> MeOut:
    return MeOut(
        user_id=principal.user_id,
        email=principal.email,
        display_name=principal.display_name,
        role=principal.role.value,
        clinic_id=principal.clinic_id,
        patient_id=principal.patient_id,
    )


def patient_out(patient: Patient) -> PatientOut:
    return PatientOut(
        id=patient.id,
        clinic_id=patient.clinic_id,
        display_name=patient.display_name,
        email=patient.email,
        fitzpatrick=patient.fitzpatrick,
        acne_prone=patient.acne_prone,
        history=list(patient.history),
        has_login=patient.user_id is not None,
        created_at=patient.created_at,
    )


def checkin_out(
    checkin: Checkin, *, alert_id: int | None = None, replayed: bool = False
) -> CheckinOut:
    symptoms: dict[str, Any] = dict(checkin.triage_input.get("symptoms", {}))
    return CheckinOut(
        id=checkin.id,
        patient_id=checkin.patient_id,
        treatment_id=checkin.treatment_id,
        day=checkin.day,
        level=checkin.level.value,
        phase=checkin.phase,
        created_at=checkin.created_at,
        symptoms=symptoms,
        result=TriageResult.model_validate(checkin.triage_result),
        alert_id=alert_id,
        replayed=replayed,
        field_errors=_field_errors(checkin.triage_result),
        incomplete=bool(_field_errors(checkin.triage_result)),
    )


def _field_errors(result: dict[str, Any] | None) -> list[AnswerError]:
    errors = (result or {}).get("field_errors") or []
    return [AnswerError.model_validate(e) for e in errors if isinstance(e, dict)]


def outcome_out(outcome: CheckinOutcome) -> CheckinOut:
    return checkin_out(outcome.checkin, alert_id=outcome.alert_id, replayed=not outcome.created)


def alert_queue_out(views: list[AlertView]) -> list[dict[str, Any]]:
    """The queue's rows as plain dicts in the shape of `AlertOut`."""
    return [
        {
            "id": v.alert.id,
            "patient_id": v.alert.patient_id,
            "patient_name": v.patient_name,
            "checkin_id": v.alert.checkin_id,
            "level": v.alert.level.value,
            "state": v.alert.state.value,
            "day": v.day,
            "findings": v.findings,
            "created_at": v.alert.created_at,
            "acknowledged_at": v.alert.acknowledged_at,
            "acknowledged_by": v.alert.acknowledged_by,
            "resolved_at": v.alert.resolved_at,
            "resolved_by": v.alert.resolved_by,
            "resolution_note": v.alert.resolution_note,
        }
        for v in views
    ]


def alert_queue_json(views: list[AlertView]) -> bytes:
    """The queue as JSON in the shape of `list[AlertOut]`, encoded directly: every value is
    a typed column of our own database. tests/api/test_alert_queue_json.py holds this to the
    pydantic encoding, datetimes included (UTC as "Z", like pydantic)."""
    return orjson.dumps(alert_queue_out(views), option=orjson.OPT_UTC_Z)


def alert_out(alert: Alert, patient_name: str = "") -> AlertOut:
    return AlertOut(
        id=alert.id,
        patient_id=alert.patient_id,
        patient_name=patient_name,
        checkin_id=alert.checkin_id,
        level=alert.level.value,
        state=alert.state.value,
        day=None,
        findings=[],
        created_at=alert.created_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=alert.acknowledged_by,
        resolved_at=alert.resolved_at,
        resolved_by=alert.resolved_by,
        resolution_note=alert.resolution_note,
    )
