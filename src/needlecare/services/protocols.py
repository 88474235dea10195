"""Clinic protocols (issue 8): versioned, audited, and the windows in force for a patient.

A clinic admin saves a protocol document; `needlecare.guide.validate_protocol` decides whether
it may be used (it may only tighten windows, never touch red flags). Each save is a new row
with the next version number; rows are never updated. The protocol in force is the latest one.
The product checker, the timeline, check-ins and the aftercare sheet ask this module for the
windows in force and record the version they used.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from needlecare.guide import (
    Protocol,
    ProtocolInvalid,
    Sheet,
    build_aftercare_sheet,
    effective_windows,
    parse_protocol,
    validate_protocol,
)
from needlecare.knowledge.windows import Window
from needlecare.services import audit
from needlecare.services.errors import Conflict, FieldError, Invalid, NotFound
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, require_admin, require_staff, treatment_for
from needlecare.services.treatment_in_force import treatment_in_force
from needlecare.storage.base import utcnow
from needlecare.storage.models import ClinicProtocol, Patient, Treatment
from needlecare.storage.uow import UnitOfWork

log = logging.getLogger("needlecare.services.protocols")
MAX_DOCUMENT_CHARS = 50_000


@dataclass(frozen=True)
class InForce:
    """The windows a patient's results use, and the protocol version they came from."""

    windows: dict[str, Window]
    protocol: Protocol | None
    version: int | None


_ROW_AT_VERSION = select(ClinicProtocol).where(
    ClinicProtocol.clinic_id == bindparam("clinic_id"),
    ClinicProtocol.version == bindparam("version"),
)
# Saved versions are never updated and the defaults change only with a release, so what a
# (database, clinic, version) means is fixed for the life of the process: parse each once.
# A cache of immutable facts, not state: every process reads the version number from the
# database. (A restore replaces the database only with the servers stopped.)
_IN_FORCE_CACHE: dict[tuple[str, int, int], InForce] = {}
_IN_FORCE_CACHE_SIZE = 1024


@cache
def _defaults() -> InForce:
    return InForce(effective_windows(None), None, None)


def latest_version_of(
    clinic_id: ColumnElement[int | None] | InstrumentedAttribute[int | None],
) -> ScalarSelect[int | None]:
    """The clinic's latest protocol version, as a subquery for a caller's own statement."""
    return (
        select(func.max(ClinicProtocol.version))
        .where(ClinicProtocol.clinic_id == clinic_id)
        .scalar_subquery()
    )


_LATEST_VERSION = select(latest_version_of(bindparam("clinic_id")))


def latest_row(session: Session, clinic_id: int | None) -> ClinicProtocol | None:
    if clinic_id is None:
        return None
    return session.scalar(
        select(ClinicProtocol)
        .where(ClinicProtocol.clinic_id == clinic_id)
        .order_by(ClinicProtocol.version.desc())
        .limit(1)
    )


def _parsed(row: ClinicProtocol) -> Protocol | None:
    try:
        return parse_protocol(row.document)
    except ProtocolInvalid as error:
        # Saved documents were valid; only a later change of the defaults can get here. The
        # defaults (never looser than the clinic's days were) then apply, and we say so.
        log.warning("clinic %s protocol v%s no longer valid: %s", row.clinic_id, row.version, error)
        return None


def known_in_force(database_url: str, clinic_id: int | None, version: int | None) -> InForce | None:
    """`in_force_at` without a database: None unless this process has read that version."""
    if clinic_id is None or version is None:
        return _defaults()
    # The database is part of the key: one process may talk to several (tests, tools).
    return _IN_FORCE_CACHE.get((database_url, clinic_id, version))


def in_force_at(session: Session, clinic_id: int | None, version: int | None) -> InForce:
    """The windows of the clinic's protocol `version` (the defaults for None). The result is
    shared between callers: read it, never change it."""
    database_url = str(session.get_bind().engine.url)
    known = known_in_force(database_url, clinic_id, version)
    if known is not None:
        return known
    assert clinic_id is not None and version is not None  # else known_in_force had them
    key = (database_url, clinic_id, version)
    row = session.scalar(_ROW_AT_VERSION, {"clinic_id": clinic_id, "version": version})
    protocol = _parsed(row) if row is not None else None
    result = (
        _defaults() if protocol is None else InForce(effective_windows(protocol), protocol, version)
    )
    if len(_IN_FORCE_CACHE) >= _IN_FORCE_CACHE_SIZE:
        _IN_FORCE_CACHE.clear()
    _IN_FORCE_CACHE[key] = result
    return result


def in_force(session: Session, clinic_id: int | None) -> InForce:
    """The windows in force for a clinic's patients (defaults without a protocol)."""
    if clinic_id is None:
        return _defaults()
    version = session.scalar(_LATEST_VERSION, {"clinic_id": clinic_id})
    return in_force_at(session, clinic_id, version)


def in_force_for_patient(session: Session, patient: Patient) -> InForce:
    return in_force(session, patient.clinic_id)


# --- Reading and saving (clinic staff) -----------------------------------------------------


def current(uow: UnitOfWork, actor: Principal) -> ClinicProtocol | None:
    """The clinic's protocol in force (staff may read it; only admins change it). Not patient
    data, so reading it is not audited; every change is."""
    clinic_id = require_staff(actor)
    with uow.reading():
        return latest_row(uow.session, clinic_id)


def versions(uow: UnitOfWork, actor: Principal) -> Sequence[ClinicProtocol]:
    """Every saved version, newest first."""
    clinic_id = require_staff(actor)
    with uow.reading():
        return uow.session.scalars(
            select(ClinicProtocol)
            .where(ClinicProtocol.clinic_id == clinic_id)
            .order_by(ClinicProtocol.version.desc())
        ).all()


def version_page(
    uow: UnitOfWork,
    actor: Principal,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[ClinicProtocol]:
    """`versions`, newest first, `limit` at a time after `after`."""
    clinic_id = require_staff(actor)
    with uow.reading():
        return keyset_page(
            uow.session,
            select(ClinicProtocol).where(ClinicProtocol.clinic_id == clinic_id),
            (ClinicProtocol.version,),
            after=after,
            limit=limit,
            descending=True,
        )


def get_version(uow: UnitOfWork, actor: Principal, version: int) -> ClinicProtocol:
    clinic_id = require_staff(actor)
    with uow.reading():
        row = uow.session.scalar(
            select(ClinicProtocol).where(
                ClinicProtocol.clinic_id == clinic_id, ClinicProtocol.version == version
            )
        )
        if row is None:
            raise NotFound("protocol version")
        return row


def check_document(document: Any) -> None:
    """Invalid (one FieldError per rule broken) unless the document may be used."""
    errors = validate_protocol(document)
    if errors:
        raise Invalid(
            [FieldError(e.field, e.message) for e in errors],
            message="the protocol was not saved: " + "; ".join(e.message for e in errors[:3]),
        )


def save(uow: UnitOfWork, actor: Principal, document: Mapping[str, Any]) -> ClinicProtocol:
    """Save a new version (admins only). The version number is assigned here, so the stored
    document always names the version it is; nothing is saved when any rule is broken."""
    clinic_id = require_admin(actor)
    if len(repr(document)) > MAX_DOCUMENT_CHARS:
        raise Invalid.field("(root)", f"a protocol has at most {MAX_DOCUMENT_CHARS} characters")
    with uow:
        session = uow.session
        latest = session.scalar(
            select(func.max(ClinicProtocol.version)).where(ClinicProtocol.clinic_id == clinic_id)
        )
        number = (latest or 0) + 1
        stored = {**document, "version": number}
        check_document(stored)
        row = ClinicProtocol(
            clinic_id=clinic_id,
            version=number,
            document=stored,
            created_by=actor.user_id,
            created_at=utcnow(),
        )
        session.add(row)
        try:
            uow.flush()
        except IntegrityError as error:  # another admin saved the same number a moment ago
            raise Conflict("another version was saved meanwhile; reload and try again") from error
        audit.record(
            session, actor, "protocol.update", "clinic_protocol", row.id, clinic_id=clinic_id
        )
        uow.commit()
        return row


# --- The personal aftercare sheet ----------------------------------------------------------


def _latest_treatment(session: Session, patient: Patient) -> Treatment:
    treatment = treatment_in_force(session, patient.id)
    if treatment is None:
        raise NotFound("treatment")
    return treatment


def aftercare_sheet(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    treatment_id: int | None = None,
    today: date | None = None,
    tz: str | None = None,
    locale: str = "en",
) -> Sheet:
    """The sheet of a treatment (default: the latest) under the clinic's protocol in force."""
    with uow:
        session = uow.session
        patient = patient_for(session, actor, patient_id)
        treatment = (
            treatment_for(session, actor, patient.id, treatment_id)
            if treatment_id is not None
            else _latest_treatment(session, patient)
        )
        protocol = in_force_for_patient(session, patient).protocol
        try:
            sheet = build_aftercare_sheet(
                treatment.treatment_date,
                treatment.depth_mm,
                treatment.device.value,
                treatment.fitzpatrick or patient.fitzpatrick,
                protocol,
                locale,
                tz,
                today=today,
            )
        except ValueError as error:
            raise Invalid.field("treatment", str(error)) from error
        audit.record_for_patient(session, actor, "sheet.read", "treatment", treatment.id, patient)
        uow.commit()
        return sheet


def protocol_for_reader(uow: UnitOfWork, actor: Principal | None) -> Protocol | None:
    """The protocol whose days the education pages show this reader: their clinic's, if any.
    Reads no patient data (the guide is public), so nothing is audited."""
    if actor is None or actor.clinic_id is None:
        return None
    with uow.reading():
        return in_force(uow.session, actor.clinic_id).protocol
