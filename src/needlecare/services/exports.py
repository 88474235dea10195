"""Reports, exports, a patient's own data download and their deletion request.

Every export is audited in the same transaction that reads the data. Formats come from
`needlecare.reports` (pure: records in, bytes out); this module only reads rows into
records, enforces who may see what, and writes the audit entries.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from needlecare.reports.records import (
    AlertRecord,
    CheckinRecord,
    ClinicRecord,
    NoteRecord,
    PatientData,
    PatientRecord,
    PhotoRecord,
    RecommendationRecord,
    TreatmentRecord,
)
from needlecare.services import audit
from needlecare.services.errors import Forbidden, Invalid, NotFound
from needlecare.services.principal import SYSTEM_ROLE, Principal
from needlecare.services.scope import patient_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.models import (
    Alert,
    AuditEntry,
    Checkin,
    Clinic,
    ClinicalNote,
    Patient,
    Recommendation,
    Treatment,
    User,
)
from needlecare.storage.uow import UnitOfWork

PATIENT_FORMATS = ("pdf", "csv", "json", "fhir")
CLINIC_FORMATS = ("csv", "json")
DELETE_CONFIRMATION = "DELETE MY DATA"
DELETED_NAME = "(deleted)"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "fhir": "application/fhir+json",
}
EXTENSIONS = {"pdf": "pdf", "csv": "csv", "json": "json", "fhir": "fhir.json"}
# Tables whose rows survive a deletion: the append-only audit log (ids and actions only).
KEPT_TABLES = frozenset({"audit_log", "alembic_version"})


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class DeletionReceipt:
    patient_id: int
    rows_deleted: dict[str, int]
    files_deleted: int
    deleted_at: datetime


def load_photos(session: Session, patient_ids: Sequence[int]) -> dict[int, list[PhotoRecord]]:
    """Photos with their measurements, per patient. There is no photo table yet (issue 6):
    when there is, read it here and every export includes the photos."""
    return {}


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
    session: Session, patients: Sequence[Patient], *, include_notes: bool
) -> list[PatientData]:
    """Everything stored about these patients, in a fixed number of queries."""
    ids = [p.id for p in patients]
    by_patient: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    queries: list[tuple[str, Any, Any]] = [
        ("treatments", Treatment, (Treatment.treatment_date, Treatment.id)),
        ("checkins", Checkin, (Checkin.created_at, Checkin.id)),
        ("alerts", Alert, (Alert.created_at, Alert.id)),
        ("recommendations", Recommendation, (Recommendation.created_at, Recommendation.id)),
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
        | {r.author_id for rows in by_patient["recommendations"].values() for r in rows},
    )
    clinic_ids = {p.clinic_id for p in patients if p.clinic_id is not None}
    clinics = {
        c.id: ClinicRecord(c.id, c.name)
        for c in (
            session.scalars(select(Clinic).where(Clinic.id.in_(clinic_ids))) if clinic_ids else []
        )
    }
    photos = load_photos(session, ids)
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
) -> bytes:
    """Bytes of one export; the PDF and FHIR formats take exactly one patient."""
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

        return render_pdf(build_report(single, today, now))
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
) -> ExportFile:
    fmt = _check_format(fmt, PATIENT_FORMATS)
    table = _check_table(table)
    now = now or utcnow()
    with uow:
        patient = find(uow.session)
        (data,) = load_patients(uow.session, [patient], include_notes=include_notes)
        record(uow.session, patient, fmt)
        uow.commit()
    content = render(
        [data],
        fmt,
        scope="patient",
        clinic=data.clinic,
        now=now,
        today=today or now.date(),
        table=table,
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
) -> ExportFile:
    """One patient's report or export (pdf, csv, json, fhir), for their clinic's staff or the
    patient. Clinician notes follow the app's rule: staff see them, patients do not here
    (the patient's complete copy is `my_data_export`)."""

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
    )


def operator_patient_export(
    uow: UnitOfWork,
    patient_id: int,
    fmt: str,
    *,
    table: str = "checkins",
    today: date | None = None,
    now: datetime | None = None,
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
        uow, find, record, fmt, include_notes=True, table=table, today=today, now=now
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
    content = render(
        data, fmt, scope="clinic", clinic=clinic, now=now, today=now.date(), table=table
    )
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


def _own_patient(session: Session, actor: Principal) -> Patient:
    if not actor.is_patient:
        raise Forbidden("only a patient can download or delete their own data")
    if actor.patient_id is None:
        raise NotFound("patient")
    return patient_for(session, actor, actor.patient_id)


def my_data_export(uow: UnitOfWork, actor: Principal, *, now: datetime | None = None) -> ExportFile:
    """Everything stored about the patient, clinician notes included (their copy of their
    personal data), as JSON; audited."""
    now = now or utcnow()
    with uow:
        patient = _own_patient(uow.session, actor)
        (data,) = load_patients(uow.session, [patient], include_notes=True)
        audit.record(
            uow.session,
            actor,
            "export.self",
            "patient",
            patient.id,
            clinic_id=patient.clinic_id,
            patient_id=patient.id,
        )
        uow.commit()
    content = render(
        [data],
        "json",
        scope="patient",
        clinic=data.clinic,
        now=now,
        today=now.date(),
        table="checkins",
    )
    return ExportFile(content, MEDIA_TYPES["json"], _filename("my-data", "json", "", now))


def _references(metadata: sa.MetaData, parent: sa.Table) -> list[sa.ForeignKey]:
    """Every foreign key (in any table) that points at `parent`."""
    return [
        fk
        for table in metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == parent.name
    ]


def _cascade(
    session: Session,
    metadata: sa.MetaData,
    parent: sa.Table,
    parent_where: sa.ColumnElement[bool],
    counts: dict[str, int],
    skip: frozenset[str],
    depth: int = 0,
) -> None:
    """Delete every row that points at the parent rows chosen by `parent_where`, children
    of children first, so no foreign key is ever left dangling."""
    if depth > 8:
        raise RuntimeError("foreign keys nest deeper than expected")
    for fk in _references(metadata, parent):
        table = fk.parent.table
        if table.name in skip or table.name in KEPT_TABLES:
            continue
        where = fk.parent.in_(select(fk.column).where(parent_where))
        _cascade(session, metadata, table, where, counts, skip, depth + 1)
        result = session.execute(sa.delete(table).where(where))
        counts[table.name] = counts.get(table.name, 0) + int(getattr(result, "rowcount", 0) or 0)


def delete_my_data(
    uow: UnitOfWork,
    actor: Principal,
    confirmation: str,
    *,
    data_dir: Path | None = None,
    now: datetime | None = None,
) -> DeletionReceipt:
    """Delete everything stored about the patient, in one transaction: check-ins, alerts,
    notes, recommendations, treatments, invitations, API tokens, and any other row whose
    foreign key leads to the patient or their login (found from the live schema, so tables
    added later are covered). Photo files under `data_dir/photos/<patient id>` go after
    the commit.

    What stays: the append-only audit log (ids, actions, times; no health data) with a new
    `patient.delete` entry, and the bare patient and login rows it refers to, emptied of
    every personal value (the log's foreign keys need them to exist).
    """
    if confirmation.strip() != DELETE_CONFIRMATION:
        raise Invalid.field("confirm", f'type "{DELETE_CONFIRMATION}" to confirm')
    now = now or utcnow()
    with uow:
        session = uow.session
        patient = _own_patient(session, actor)
        # PostgreSQL: hold the patient row so writers that lock it (FOR SHARE) wait for the
        # deletion and then no longer find the patient (SQLite writers are serialised).
        session.execute(select(Patient.id).where(Patient.id == patient.id).with_for_update())
        clinic_id, user_id = patient.clinic_id, patient.user_id
        metadata = sa.MetaData()
        metadata.reflect(bind=session.connection())
        counts: dict[str, int] = {}
        patient.user_id = None
        session.flush()
        patient_table = metadata.tables["patient"]
        _cascade(
            session, metadata, patient_table, patient_table.c.id == patient.id, counts, frozenset()
        )
        if user_id is not None:
            users = metadata.tables["user_account"]
            _cascade(
                session, metadata, users, users.c.id == user_id, counts, frozenset({"patient"})
            )
            user = session.get(User, user_id)
            if user is not None:
                _scrub_user(user)
        _scrub_patient(patient)
        audit.record(
            session,
            actor,
            "patient.delete",
            "patient",
            patient.id,
            clinic_id=clinic_id,
            patient_id=patient.id,
            at=now,
        )
        uow.commit()
    files = _delete_files(data_dir, patient.id)
    return DeletionReceipt(patient.id, counts, files, now)


def _scrub_patient(patient: Patient) -> None:
    # clinic_id None as well: the empty row drops out of every roster and scope check.
    patient.clinic_id = None
    patient.display_name = DELETED_NAME
    patient.email = None
    patient.fitzpatrick = None
    patient.acne_prone = False
    patient.history = []
    patient.created_at = datetime(1970, 1, 1, tzinfo=UTC)


def _scrub_user(user: User) -> None:
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.password_hash = "!deleted"  # noqa: S105  (not a hash: no password can match it)
    user.display_name = DELETED_NAME
    user.is_active = False
    user.clinic_id = None
    user.created_at = datetime(1970, 1, 1, tzinfo=UTC)


def _delete_files(data_dir: Path | None, patient_id: int) -> int:
    if data_dir is None:
        return 0
    folder = data_dir / "photos" / str(patient_id)
    if not folder.is_dir():
        return 0
    count = sum(1 for path in folder.rglob("*") if path.is_file())
    shutil.rmtree(folder)
    return count


def deletion_entries(uow: UnitOfWork, patient_id: int) -> list[AuditEntry]:
    """The audit entries that remain for a patient (for checks and the operator)."""
    with uow.reading():
        return list(
            uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.patient_id == patient_id)
                .order_by(AuditEntry.id)
            )
        )
