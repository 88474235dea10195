"""A patient's deletion request: everything of theirs goes, in one transaction.

What stays is the append-only audit log (ids, actions, times; no health data) with a
`patient.delete` entry, and the empty patient and login rows that the log's foreign keys need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needlecare.i18n import N_
from needlecare.services import audit, outcome_rows
from needlecare.services.errors import Invalid
from needlecare.services.photos import delete_patient_photos
from needlecare.services.principal import Principal
from needlecare.services.scope import own_patient
from needlecare.storage.base import utcnow
from needlecare.storage.models import Patient, Photo, User
from needlecare.storage.uow import UnitOfWork

# TRANSLATORS: the phrase a patient types to delete their account, in capitals.
DELETE_CONFIRMATION = N_("DELETE MY DATA")  # the API takes it in English; pages in their language
DELETED_NAME = "(deleted)"
# Tables whose rows survive a deletion: the append-only audit log (ids and actions only).
KEPT_TABLES = frozenset({"audit_log", "alembic_version"})


@dataclass(frozen=True)
class DeletionReceipt:
    patient_id: int
    rows_deleted: dict[str, int]
    files_deleted: int
    deleted_at: datetime


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
    added later are covered). Photo rows go through `services.photos`, which removes
    their files under `data_dir` once the transaction commits.

    What stays: the append-only audit log (ids, actions, times; no health data) with a new
    `patient.delete` entry, and the bare patient and login rows it refers to, emptied of
    every personal value (the log's foreign keys need them to exist).
    """
    if confirmation.strip() != DELETE_CONFIRMATION:
        raise Invalid.field("confirm", f'type "{DELETE_CONFIRMATION}" to confirm')
    now = now or utcnow()
    with uow:
        session = uow.session
        patient = own_patient(session, actor)
        # PostgreSQL: hold the patient row so writers that lock it (FOR SHARE) wait for the
        # deletion and then no longer find the patient (SQLite writers are serialised).
        session.execute(select(Patient.id).where(Patient.id == patient.id).with_for_update())
        clinic_id, user_id = patient.clinic_id, patient.user_id
        # Photo rows first, through the photo service: it removes their files after the
        # commit (and keeps files that another patient's identical photo still uses).
        photo_rows = int(
            session.scalar(
                select(func.count()).select_from(Photo).where(Photo.patient_id == patient.id)
            )
            or 0
        )
        files = delete_patient_photos(uow, patient.id, data_dir=data_dir)
        # Counted here: the photo service deleted them, so the cascade below finds none.
        counts: dict[str, int] = {"photo": photo_rows}
        metadata = sa.MetaData()
        metadata.reflect(bind=session.connection())
        patient.user_id = None
        session.flush()
        patient_table = metadata.tables["patient"]
        outcome_rows.forget_patient(session, patient.id)  # counts the cascade cannot reach
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
    patient.last_checkin_at = patient.last_checkin_day = patient.last_level = None
    patient.last_treatment_date = None
    patient.open_alerts = patient.attention = 0
    patient.last_activity_at = patient.created_at


def _scrub_user(user: User) -> None:
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.password_hash = "!deleted"  # noqa: S105  (not a hash: no password can match it)
    user.display_name = DELETED_NAME
    user.is_active = False
    user.session_generation += 1  # every session cookie of the login ends now
    user.clinic_id = None
    user.created_at = datetime(1970, 1, 1, tzinfo=UTC)
