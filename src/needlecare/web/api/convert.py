"""ORM rows and service results -> response models."""

from __future__ import annotations

from typing import Any

from needlecare.services.alerts import AlertView
from needlecare.services.checkins import CheckinOutcome
from needlecare.services.principal import Principal
from needlecare.storage.models import Alert, Checkin, Patient
from needlecare.web.api.schemas.accounts import MeOut, PatientOut
from needlecare.web.api.schemas.care import AlertOut, CheckinOut, Finding, TriageResult


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
    )


def outcome_out(outcome: CheckinOutcome) -> CheckinOut:
    return checkin_out(outcome.checkin, alert_id=outcome.alert_id, replayed=not outcome.created)


def alert_out(alert: Alert, view: AlertView | None = None, patient_name: str = "") -> AlertOut:
    return AlertOut(
        id=alert.id,
        patient_id=alert.patient_id,
        patient_name=view.patient_name if view else patient_name,
        checkin_id=alert.checkin_id,
        level=alert.level.value,
        state=alert.state.value,
        day=view.day if view else None,
        findings=[Finding.model_validate(f) for f in view.findings] if view else [],
        created_at=alert.created_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=alert.acknowledged_by,
        resolved_at=alert.resolved_at,
        resolved_by=alert.resolved_by,
        resolution_note=alert.resolution_note,
    )
