"""Reading an export's rows into records (`needlecare.reports.records`), in a fixed number
of queries: the one loader of the staff, operator and own-copy exports (`exports.py`,
`my_data.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
from needlecare.services.photo_files import PhotoFiles
from needlecare.storage.models import (
    Alert,
    Checkin,
    Clinic,
    ClinicalNote,
    Message,
    Patient,
    Photo,
    Recommendation,
    ShelfProduct,
    Treatment,
    User,
)


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
        not_given=[
            str(e.get("field", "")) for e in result.get("field_errors") or [] if isinstance(e, dict)
        ],
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
