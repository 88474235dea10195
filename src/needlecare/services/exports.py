"""Reports, exports and a patient's own data download (deletion: `deletion.py`).

Every export is audited in the same transaction that reads the data. Formats come from
`needlecare.reports` (pure: records in, bytes out); this module only reads rows into
records, enforces who may see what, and writes the audit entries.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from needlecare.reports.records import (
    AlertRecord,
    CheckinRecord,
    ClinicRecord,
    MessageRecord,
    NoteRecord,
    PatientData,
    PatientRecord,
    PhotoRecord,
    RecommendationRecord,
    ShelfRecord,
    TreatmentRecord,
)
from needlecare.services import audit, budget, clock
from needlecare.services.errors import Forbidden, Invalid, NotFound
from needlecare.services.photo_files import PhotoFiles
from needlecare.services.principal import SYSTEM_ROLE, Principal
from needlecare.services.scope import patient_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.models import (
    Alert,
    Checkin,
    Clinic,
    ClinicalNote,
    Message,
    Patient,
    Photo,
    Recommendation,
    ShelfPhoto,
    ShelfProduct,
    Treatment,
    User,
)
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


def load_photos(
    session: Session, patient_ids: Sequence[int], data_dir: Path | None
) -> dict[int, list[PhotoRecord]]:
    """Photos with their measurements, per patient, oldest first. With `data_dir`, each
    carries its thumbnail (for the PDF and FHIR Media); a missing file leaves it out."""
    found: dict[int, list[PhotoRecord]] = defaultdict(list)
    if not patient_ids:
        return found
    files = PhotoFiles(data_dir) if data_dir is not None else None
    rows = session.scalars(
        select(Photo).where(Photo.patient_id.in_(patient_ids)).order_by(Photo.taken_at, Photo.id)
    )
    for photo in rows:
        image = None
        if files is not None:
            try:
                image = files.path(photo.thumb_path).read_bytes()
            except (OSError, ValueError):
                image = None
        found[photo.patient_id].append(
            PhotoRecord(
                id=photo.id,
                taken_at=photo.taken_at,
                image=image,
                media_type="image/jpeg",
                day=photo.day,
                area=photo.area,
                measurement=dict(photo.analysis or {}),
            )
        )
    return found


# --- reading rows into records ----------------------------------------------------------


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {uid: name for uid, name in rows}


def _checkin_record(c: Checkin) -> CheckinRecord:
    given = c.triage_input or {}
    result = c.triage_result or {}
    return CheckinRecord(
        id=c.id,
        treatment_id=c.treatment_id,
        day=c.day,
        created_at=c.created_at,
        level=c.level.value,
        phase=c.phase,
        symptoms=dict(given.get("symptoms") or {}),
        products=list(given.get("products") or []),
        findings=list(result.get("findings") or []),
        advice=list(result.get("advice") or []),
    )


def load_patients(
    session: Session,
    patients: Sequence[Patient],
    *,
    include_notes: bool,
    data_dir: Path | None = None,
) -> list[PatientData]:
    """Everything stored about these patients, in a fixed number of queries."""
    ids = [p.id for p in patients]
    by_patient: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    queries: list[tuple[str, Any, Any]] = [
        ("treatments", Treatment, (Treatment.treatment_date, Treatment.id)),
        ("checkins", Checkin, (Checkin.created_at, Checkin.id)),
        ("alerts", Alert, (Alert.created_at, Alert.id)),
        ("recommendations", Recommendation, (Recommendation.created_at, Recommendation.id)),
        ("messages", Message, (Message.created_at, Message.id)),
        ("shelf", ShelfProduct, (ShelfProduct.created_at, ShelfProduct.id)),
    ]
    if include_notes:
        queries.append(("notes", ClinicalNote, (ClinicalNote.created_at, ClinicalNote.id)))
    for name, model, order in queries:
        if not ids:
            break
        for row in session.scalars(select(model).where(model.patient_id.in_(ids)).order_by(*order)):
            by_patient[name][row.patient_id].append(row)
    authors = _names(
        session,
        {r.author_id for rows in by_patient["notes"].values() for r in rows}
        | {r.author_id for rows in by_patient["recommendations"].values() for r in rows}
        | {m.author_id for rows in by_patient["messages"].values() for m in rows},
    )
    clinic_ids = {p.clinic_id for p in patients if p.clinic_id is not None}
    clinics = {
        c.id: ClinicRecord(c.id, c.name)
        for c in (
            session.scalars(select(Clinic).where(Clinic.id.in_(clinic_ids))) if clinic_ids else []
        )
    }
    photos = load_photos(session, ids, data_dir)
    return [
        PatientData(
            patient=PatientRecord(
                id=p.id,
                display_name=p.display_name,
                email=p.email,
                fitzpatrick=p.fitzpatrick,
                acne_prone=p.acne_prone,
                history=list(p.history or []),
                created_at=p.created_at,
                clinic_id=p.clinic_id,
            ),
            clinic=clinics.get(p.clinic_id) if p.clinic_id is not None else None,
            treatments=[
                TreatmentRecord(
                    t.id,
                    t.treatment_date,
                    t.depth_mm,
                    t.device.value,
                    list(t.areas),
                    t.fitzpatrick,
                    t.serum,
                    t.operator,
                    t.next_session_date,
                )
                for t in by_patient["treatments"][p.id]
            ],
            checkins=[_checkin_record(c) for c in by_patient["checkins"][p.id]],
            alerts=[
                AlertRecord(
                    a.id,
                    a.checkin_id,
                    a.level.value,
                    a.state.value,
                    a.created_at,
                    a.acknowledged_at,
                    a.resolved_at,
                    a.resolution_note,
                )
                for a in by_patient["alerts"][p.id]
            ],
            notes=[
                NoteRecord(n.id, authors.get(n.author_id, ""), n.body, n.created_at)
                for n in by_patient["notes"][p.id]
            ],
            recommendations=[
                RecommendationRecord(
                    r.id,
                    authors.get(r.author_id, ""),
                    r.product_name,
                    r.inci_text,
                    r.note,
                    r.created_at,
                )
                for r in by_patient["recommendations"][p.id]
            ],
            photos=photos.get(p.id, []),
            messages=[
                MessageRecord(
                    m.id,
                    m.from_clinic,
                    authors.get(m.author_id, ""),
                    m.body,
                    m.created_at,
                    m.alert_id,
                    m.read_at,
                )
                for m in by_patient["messages"][p.id]
            ],
            shelf=[
                ShelfRecord(s.id, s.name, s.brand, s.inci_text, s.rinse_off, s.created_at)
                for s in by_patient["shelf"][p.id]
            ],
        )
        for p in patients
    ]


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
) -> bytes:
    """Bytes of one export; the PDF and FHIR formats take exactly one patient. The PDF speaks
    `locale` (its reader's language); the data formats keep their English keys and codes."""
    from needlecare.reports import tabular

    if fmt == "json":
        document = tabular.export_document(patients, clinic=clinic, exported_at=now, scope=scope)
        return tabular.to_json(document).encode("utf-8")
    if fmt == "csv":
        # utf-8-sig: spreadsheet programs then read accents and non-Latin names correctly.
        return tabular.to_csv(patients, table).encode("utf-8-sig")
    (single,) = patients
    if fmt == "pdf":
        from needlecare.reports.assemble import build_report
        from needlecare.reports.pdf import render_pdf

        return render_pdf(build_report(single, today, now, locale, staff=staff))
    from needlecare.reports.fhir import bundle_json

    return bundle_json(single).encode("utf-8")


def _filename(stem: str, fmt: str, table: str, now: datetime) -> str:
    suffix = f"-{table}" if fmt == "csv" else ""
    return f"needlecare-{stem}{suffix}-{now:%Y%m%d}.{EXTENSIONS[fmt]}"


def _export_one(
    uow: UnitOfWork,
    find: Callable[[Session], Patient],
    record: Callable[[Session, Patient, str], None],
    fmt: str,
    *,
    include_notes: bool,
    table: str,
    today: date | None,
    now: datetime | None,
    data_dir: Path | None,
    locale: str = "en",
) -> ExportFile:
    fmt = _check_format(fmt, PATIENT_FORMATS)
    table = _check_table(table)
    now = now or utcnow()
    # A PDF costs a second or more of WeasyPrint CPU: it holds one of the process's few PDF
    # slots from before the read (so a refused one leaves no audit row) to the last byte;
    # with every slot taken the caller gets Busy (503, Retry-After), not a queue.
    with budget.expensive("pdf") if fmt == "pdf" else nullcontext():
        with uow:
            patient = find(uow.session)
            # Only the PDF and FHIR formats carry images; the others need no file reads.
            images = data_dir if fmt in ("pdf", "fhir") else None
            (data,) = load_patients(
                uow.session, [patient], include_notes=include_notes, data_dir=images
            )
            record(uow.session, patient, fmt)
            # The report's "today" (days since treatment) is the patient's local date.
            today = today or clock.patient_today(uow.session, patient.id, patient.clinic_id, now)
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
        )
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
    (the patient's complete copy is `my_data_export`). The PDF is in `locale`: the
    reader's language (a clinician reads a patient's findings in the clinician's)."""

    def record(session: Session, patient: Patient, fmt: str) -> None:
        audit.record(
            session,
            actor,
            f"export.patient.{fmt}",
            "patient",
            patient.id,
            clinic_id=patient.clinic_id,
            patient_id=patient.id,
        )

    return _export_one(
        uow,
        lambda s: patient_for(s, actor, patient_id),
        record,
        fmt,
        include_notes=actor.is_staff,
        table=table,
        today=today,
        now=now,
        data_dir=data_dir,
        locale=locale,
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

    def find(session: Session) -> Patient:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFound("patient")
        return patient

    def record(session: Session, patient: Patient, fmt: str) -> None:
        audit.record(
            session,
            None,
            f"export.patient.{fmt}",
            "patient",
            patient.id,
            clinic_id=patient.clinic_id,
            patient_id=patient.id,
            actor_role=SYSTEM_ROLE,
        )

    return _export_one(
        uow,
        find,
        record,
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


# --- the patient's own copy and deletion ------------------------------------------------


def own_patient(session: Session, actor: Principal) -> Patient:
    if not actor.is_patient:
        raise Forbidden("only a patient can download or delete their own data")
    if actor.patient_id is None:
        raise NotFound("patient")
    return patient_for(session, actor, actor.patient_id)


MY_DATA_JSON = "needlecare-my-data.json"


def my_data_export(
    uow: UnitOfWork,
    actor: Principal,
    *,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> ExportFile:
    """Everything stored about the patient, clinician notes included (their copy of their
    personal data): a ZIP with the JSON export and their photos as JPEG files; audited."""
    now = now or utcnow()
    with uow:
        patient = own_patient(uow.session, actor)
        today = clock.patient_today(uow.session, patient.id, patient.clinic_id, now)
        (data,) = load_patients(uow.session, [patient], include_notes=True)
        images = uow.session.execute(
            select(Photo.id, Photo.image_path).where(Photo.patient_id == patient.id)
        ).all()
        labels = uow.session.execute(
            select(ShelfPhoto.product_id, ShelfPhoto.jpeg)
            .join(ShelfProduct, ShelfProduct.id == ShelfPhoto.product_id)
            .where(ShelfProduct.patient_id == patient.id)
        ).all()
        audit.record_for_patient(uow.session, actor, "export.self", "patient", patient.id, patient)
        uow.commit()
    document = render(
        [data],
        "json",
        scope="patient",
        clinic=data.clinic,
        now=now,
        today=today,
        table="checkins",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MY_DATA_JSON, document)
        files = PhotoFiles(data_dir) if data_dir is not None else None
        for photo_id, relative in images:
            if files is None:
                break
            try:
                content = files.path(relative).read_bytes()
            except (OSError, ValueError):
                continue  # the row (and its measurement) is in the JSON even without the file
            # JPEG is already compressed: store it as is.
            archive.writestr(f"photos/{photo_id}.jpg", content, zipfile.ZIP_STORED)
        for product_id, jpeg in labels:  # label photos kept with shelf products
            archive.writestr(f"shelf/{product_id}-label.jpg", jpeg, zipfile.ZIP_STORED)
    return ExportFile(buffer.getvalue(), "application/zip", f"needlecare-my-data-{now:%Y%m%d}.zip")
