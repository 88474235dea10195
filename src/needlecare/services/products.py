"""The product checker for a patient: the ingredient verdict for their day after treatment."""

from __future__ import annotations

from datetime import date
from typing import Any

from needlecare.i18n import N_, Text
from needlecare.services import audit, clock, domain, protocols
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.services.treatment_in_force import treatment_in_force
from needlecare.storage.uow import UnitOfWork
from needlecare.triage.validate import MAX_DAY as MAX_TRIAGE_DAY

MAX_LABEL_CHARS = 20_000


def check_product(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    text: str,
    *,
    day: int | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The checker's verdict for the patient's day (default: today's day since the latest
    treatment, or day 0 without one). Today is the patient's local date unless given."""
    if not text.strip():
        raise Invalid.field("text", N_("Paste or type the ingredient list."))
    if len(text) > MAX_LABEL_CHARS:
        raise Invalid.field(
            "text", Text("Paste at most {count} characters.", count=MAX_LABEL_CHARS)
        )
    if day is not None and not 0 <= day <= 3650:
        raise Invalid.field("day", N_("The day must be between 0 and 3650."))
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        treatment = treatment_in_force(uow.session, patient.id)
        if day is None:
            today = today or clock.patient_today(uow.session, patient.id, patient.clinic_id)
            # Capped like a check-in's day: a treatment from years ago is long healed.
            day = (
                min(max(0, (today - treatment.treatment_date).days), MAX_TRIAGE_DAY)
                if treatment
                else 0
            )
        windows = protocols.in_force(uow.session, patient.clinic_id).windows  # clinic's protocol
        audit.record_for_patient(
            uow.session, actor, "product.check", "patient", patient.id, patient
        )
        uow.commit()
    return domain.check_label(text, day, treatment, windows)
