"""Reports and exports for clinic staff and the server operator (the patient's own copy:
`my_data.py`; deletion: `deletion.py`).

Every export is audited in the same transaction that reads the data, but the report PDF,
audited once it is made (`_export_one`). Formats come from
`needlecare.reports` (pure: records in, bytes out); rows become records in
`export_records.py`; this module enforces who may see what and writes the audit entries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from needlecare.reports.records import ClinicRecord, PatientData
from needlecare.services import audit, clock, renders
from needlecare.services.errors import Invalid, NotFound
from needlecare.services.export_records import load_patients
from needlecare.services.principal import SYSTEM_ROLE, Principal
from needlecare.services.scope import patient_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.models import Clinic, Patient
from needlecare.storage.uow import UnitOfWork

PATIENT_FORMATS = ("pdf", "csv", "json", "fhir")
CLINIC_FORMATS = ("csv", "json")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "fhir": "application/fhir+json",
}
EXTENSIONS = {"pdf": "pdf", "csv": "csv", "json": "json", "fhir": "fhir.json"}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class StreamedFile:
    """An export too large to build in memory: its bytes as they are read."""

    chunks: Iterator[bytes]
    media_type: str
    filename: str


# --- rendering ---------------------------------------------------------------------------


def _check_format(fmt: str, allowed: Sequence[str]) -> str:
    fmt = fmt.strip().lower()
    if fmt not in allowed:
        raise Invalid.field("format", f"choose one of {', '.join(allowed)}")
    return fmt


def _check_table(table: str) -> str:
    from needlecare.reports.tabular import TABLES

    if table not in TABLES:
        raise Invalid.field("table", f"choose one of {', '.join(TABLES)}")
    return table


def render(
    patients: Sequence[PatientData],
    fmt: str,
    *,
    scope: str,
    clinic: ClinicRecord | None,
    now: datetime,
    today: date,
    table: str,
    locale: str = "en",
    staff: bool = False,
    person: str | None = None,
) -> bytes:
    """Bytes of one export; the PDF and FHIR formats take exactly one patient. The PDF speaks
    `locale` (its reader's language); the data formats keep their English keys and codes.
    The PDF is made once per content (`renders`), at most one at a time for `person`."""
    from needlecare.reports import tabular

    if fmt == "json":
        document = tabular.export_document(patients, clinic=clinic, exported_at=now, scope=scope)
        return tabular.to_json(document).encode("utf-8")
    if fmt == "csv":
        # utf-8-sig: spreadsheet programs then read accents and non-Latin names correctly.
        return tabular.to_csv(patients, table).encode("utf-8-sig")
    (single,) = patients
    if fmt == "pdf":
        from needlecare.reports import pdf
        from needlecare.reports.assemble import build_report

        html = pdf.render_html(build_report(single, today, now, locale, staff=staff))
        key = renders.content_key("report", html)
        return renders.render_once(key, person, lambda: pdf.html_to_pdf(html))
    from needlecare.reports.fhir import bundle_json

    return bundle_json(single).encode("utf-8")


def _filename(stem: str, fmt: str, table: str, now: datetime) -> str:
    suffix = f"-{table}" if fmt == "csv" else ""
    return f"needlecare-{stem}{suffix}-{now:%Y%m%d}.{EXTENSIONS[fmt]}"


def _find_patient(session: Session, actor: Principal | None, patient_id: int) -> Patient:
    """The patient if `actor` may see it; for the operator (None), any patient there is."""
    if actor is not None:
        return patient_for(session, actor, patient_id)
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound("patient")
    return patient


def _record_export(session: Session, actor: Principal | None, patient: Patient, fmt: str) -> None:
    audit.record(
        session,
        actor,
        f"export.patient.{fmt}",
        "patient",
        patient.id,
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        actor_role=None if actor else SYSTEM_ROLE,
    )


def _export_one(
    uow: UnitOfWork,
    actor: Principal | None,
    patient_id: int,
    fmt: str,
    *,
    include_notes: bool,
    table: str,
    today: date | None,
    now: datetime | None,
    data_dir: Path | None,
    locale: str = "en",
    person: str | None = None,
) -> ExportFile:
    fmt = _check_format(fmt, PATIENT_FORMATS)
    table = _check_table(table)
    now = now or utcnow()
    # A PDF costs 0.2-1 s of WeasyPrint CPU: it is read, laid out (once per content, one
    # at a time per person, under one of the process's PDF slots: `renders`), and only
    # then audited, so a refused one (429, or 503 with every slot taken) leaves no audit
    # row and no transaction stays open during the layout. The others are audited in the
    # transaction that reads them.
    audit_after = fmt == "pdf"
    with uow.reading(snapshot=True) if audit_after else uow:
        patient = _find_patient(uow.session, actor, patient_id)
        # Only the PDF and FHIR formats carry images; the others need no file reads.
        images = data_dir if fmt in ("pdf", "fhir") else None
        (data,) = load_patients(
            uow.session, [patient], include_notes=include_notes, data_dir=images
        )
        # The report's "today" (days since treatment) is the patient's local date.
        today = today or clock.patient_today(uow.session, patient.id, patient.clinic_id, now)
        if not audit_after:
            _record_export(uow.session, actor, patient, fmt)
            uow.commit()
    content = render(
        [data],
        fmt,
        scope="patient",
        clinic=data.clinic,
        now=now,
        today=today,
        table=table,
        locale=locale,
        # The clinic's copy (notes included) says the findings in the clinic's words.
        staff=include_notes,
        person=person,
    )
    if audit_after:
        with uow:
            # Found again: access is checked once more, and a patient deleted meanwhile is 404.
            _record_export(uow.session, actor, _find_patient(uow.session, actor, patient_id), fmt)
            uow.commit()
    return ExportFile(
        content, MEDIA_TYPES[fmt], _filename(f"patient-{data.patient.id}", fmt, table, now)
    )


def patient_export(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    fmt: str,
    *,
    table: str = "checkins",
    today: date | None = None,
    now: datetime | None = None,
    data_dir: Path | None = None,
    locale: str = "en",
) -> ExportFile:
    """One patient's report or export (pdf, csv, json, fhir), for their clinic's staff or the
    patient. Clinician notes follow the app's rule: staff see them, patients do not here
    (the patient's complete copy is `my_data.my_data_export`). The PDF is in `locale`: the
    reader's language (a clinician reads a patient's findings in the clinician's)."""
    return _export_one(
        uow,
        actor,
        patient_id,
        fmt,
        include_notes=actor.is_staff,
        table=table,
        today=today,
        now=now,
        data_dir=data_dir,
        locale=locale,
        person=f"user:{actor.user_id}",
    )


def operator_patient_export(
    uow: UnitOfWork,
    patient_id: int,
    fmt: str,
    *,
    table: str = "checkins",
    today: date | None = None,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> ExportFile:
    """The same export for the server operator (CLI, direct database access), audited as the
    system."""

    return _export_one(
        uow,
        None,
        patient_id,
        fmt,
        include_notes=True,
        table=table,
        today=today,
        now=now,
        data_dir=data_dir,
    )


def _export_clinic(
    uow: UnitOfWork,
    actor: Principal | None,
    clinic_id: int,
    fmt: str,
    table: str,
    now: datetime | None,
) -> ExportFile:
    fmt = _check_format(fmt, CLINIC_FORMATS)
    table = _check_table(table)
    now = now or utcnow()
    with uow:
        clinic_row = uow.session.get(Clinic, clinic_id)
        if clinic_row is None:
            raise NotFound("clinic")
        patients = uow.session.scalars(
            select(Patient).where(Patient.clinic_id == clinic_id).order_by(Patient.id)
        ).all()
        data = load_patients(uow.session, patients, include_notes=True)
        today = clock.local_today(now, *clock.clinic_zones(uow.session, clinic_id))
        audit.record(
            uow.session,
            actor,
            f"export.clinic.{fmt}",
            "clinic",
            clinic_id,
            clinic_id=clinic_id,
            actor_role=None if actor else SYSTEM_ROLE,
        )
        uow.commit()
    clinic = ClinicRecord(clinic_row.id, clinic_row.name)
    content = render(data, fmt, scope="clinic", clinic=clinic, now=now, today=today, table=table)
    return ExportFile(content, MEDIA_TYPES[fmt], _filename(f"clinic-{clinic_id}", fmt, table, now))


def clinic_export(
    uow: UnitOfWork,
    actor: Principal,
    fmt: str,
    *,
    table: str = "checkins",
    now: datetime | None = None,
) -> ExportFile:
    """All of the actor's clinic: patients, treatments, check-ins with levels, alerts, notes
    (staff only, audited)."""
    clinic_id = require_staff(actor)
    return _export_clinic(uow, actor, clinic_id, fmt, table, now)


def operator_clinic_export(
    uow: UnitOfWork,
    clinic_id: int,
    fmt: str,
    *,
    table: str = "checkins",
    now: datetime | None = None,
) -> ExportFile:
    return _export_clinic(uow, None, clinic_id, fmt, table, now)
