"""Daily check-ins: triage by the domain engine, stored once per idempotency key, alerting
the clinic on urgent and contact_clinic (the check-in, its alert, outbox and audit rows land
together or not at all). The submit path's SQL is in `checkin_rows`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from needlecare.services import audit, auth, checkin_rows, clock, domain, protocols
from needlecare.services.auth import BearerToken, TokenUse
from needlecare.services.checkin_rows import Found, TreatmentFacts
from needlecare.services.errors import FieldError, Invalid, NotFound
from needlecare.services.pagination import Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for
from needlecare.services.viewer import PageViewer, Shown, Visit, note_seen, viewer_in
from needlecare.storage.base import utcnow
from needlecare.storage.enums import ALERT_LEVELS, Level
from needlecare.storage.models import (
    Alert,
    Checkin,
    Patient,
)
from needlecare.storage.uow import UnitOfWork
from needlecare.triage.validate import MAX_DAY as MAX_TRIAGE_DAY

MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class CheckinCreate:
    """What the patient answers; treatment, profile and day come from the stored record."""

    symptoms: dict[str, Any]
    products: list[str] = field(default_factory=list)
    treatment_id: int | None = None  # default: the patient's latest treatment
    # Answers the caller found missing or unreadable before the domain saw them (e.g. the form
    # without a spot kind); only accepted with a red flag, then stored with the result.
    missing: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class CheckinOutcome:
    checkin: Checkin
    created: bool  # False when the idempotency key was seen before (first result returned)
    alert_id: int | None


def _existing(session: Session, patient_id: int, key: str) -> Checkin | None:
    return session.scalar(
        select(Checkin).where(Checkin.patient_id == patient_id, Checkin.idempotency_key == key)
    )


def _alert_id(session: Session, checkin_id: int) -> int | None:
    return session.scalar(select(Alert.id).where(Alert.checkin_id == checkin_id))


def _treatment(treatment: TreatmentFacts | None, treatment_id: int | None) -> TreatmentFacts:
    if treatment is not None:
        return treatment
    if treatment_id is not None:
        raise NotFound("treatment")
    raise Invalid.field("treatment_id", "record the treatment first")


def _check_key(key: str | None) -> str:
    if key is None:
        return uuid.uuid4().hex
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Invalid.field("idempotency_key", f"use 1 to {MAX_KEY_LENGTH} printable characters")
    return key


def _in_force(uow: UnitOfWork, clinic_id: int | None, version: int | None) -> protocols.InForce:
    """Inside the caller's unit of work (read only on the first check-in under this protocol
    version in this process)."""
    known = protocols.known_in_force(uow.database_url, clinic_id, version)
    if known is not None:
        return known
    return protocols.in_force_at(uow.session, clinic_id, version)


def _replay_in(
    uow: UnitOfWork, actor: Principal, use: TokenUse | None, found: Found, now: datetime
) -> CheckinOutcome:
    """The first result for a key seen before, inside the caller's reading unit of work,
    which it ends: a replay is a read of patient data, audited."""
    assert found.previous_id is not None
    previous = uow.session.get_one(Checkin, found.previous_id)
    outcome = CheckinOutcome(previous, False, _alert_id(uow.session, previous.id))
    uow.start_writes()
    auth.note_token_used(uow.session, use)
    audit.record_for_patient(
        uow.session, actor, "checkin.replay", "checkin", previous.id, found.patient, at=now
    )
    uow.commit()
    return outcome


def _race_winner(uow: UnitOfWork, patient_id: int, key: str) -> CheckinOutcome:
    """A concurrent request with the same key won the race (or the treatment was deleted
    meanwhile): answer with the first result."""
    with uow.reading():
        winner = _existing(uow.session, patient_id, key)
        if winner is None:
            raise NotFound("treatment")
        return CheckinOutcome(winner, False, _alert_id(uow.session, winner.id))


def submit_checkin(
    uow: UnitOfWork,
    actor: Principal | BearerToken,
    patient_id: int,
    data: CheckinCreate,
    *,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> CheckinOutcome:
    """Validate, triage and store a check-in; the same key twice stores it once.

    One unit of work. Its reads: the caller's bearer token when `actor` is one (the API's
    check-in reads it here rather than in a unit of its own), the lookups in one statement,
    then the triage (pure); its writes (`start_writes`: on SQLite the write lock is held only
    for them): the INSERTs and the token's "last used" when due. A check-in with the same key
    that lands in between is caught by the unique (patient, key) constraint.
    """
    key = _check_key(idempotency_key)
    now = now or utcnow()
    with uow.reading():
        principal, use = auth.acting_in(uow.session, actor)
        found = checkin_rows.lookup_in(uow.session, principal, patient_id, data.treatment_id, key)
        if found.previous_id is not None:
            return _replay_in(uow, principal, use, found, now)
        values, alerting = _triaged(uow, principal, found, data, key, now)
        uow.start_writes()
        auth.note_token_used(uow.session, use)
        patient = found.patient
        checkin_id, alert_id = checkin_rows.store_in(uow, principal, patient, values, now, alerting)
        if checkin_id is not None:
            uow.commit()
    if checkin_id is None:  # leaving the unit rolled its writes back
        return _race_winner(uow, patient.id, key)
    # The stored row as an object (marked as loaded), without reading it back.
    checkin = Checkin(id=checkin_id, **values)
    make_transient_to_detached(checkin)
    return CheckinOutcome(checkin, True, alert_id)


def _triaged(
    uow: UnitOfWork,
    actor: Principal,
    found: Found,
    data: CheckinCreate,
    key: str,
    now: datetime,
) -> tuple[dict[str, Any], bool]:
    """The check-in row's values, triaged, and whether it alerts the clinic."""
    patient = found.patient
    treatment = _treatment(found.treatment, data.treatment_id)
    in_force = _in_force(uow, patient.clinic_id, found.protocol_version)
    today = clock.local_today(now, found.patient_zone, found.clinic_zone)
    day = (today - treatment.treatment_date).days
    if day < 0:
        raise Invalid.field("treatment_id", "this treatment is dated after today")
    # A treatment stored long ago (or with a mistyped year) is long healed: counted as the
    # last day triage knows, so the check-in is still stored and triaged, never refused.
    day = min(day, MAX_TRIAGE_DAY)
    payload: dict[str, Any] = {
        "treatment": domain.treatment_document(treatment),
        "profile": domain.profile_document(patient, treatment),
        "day": day,
        "symptoms": data.symptoms,
    }
    if data.products:
        payload["products"] = list(data.products)
    payload, result = _triage_keeping_red_flags(payload, today, data.missing)
    level = Level(result["level"])
    values: dict[str, Any] = dict(
        patient_id=patient.id,
        treatment_id=treatment.id,
        idempotency_key=key,
        day=day,
        level=level,
        phase=str(result.get("phase", ""))[:100],
        triage_input=payload,
        triage_result=result,
        protocol_version=in_force.version,
        created_by=actor.user_id,
        created_at=now,
    )
    return values, level in ALERT_LEVELS and patient.clinic_id is not None


def _triage_keeping_red_flags(
    payload: dict[str, Any], today: date, missing: Sequence[FieldError]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Triage; a check-in with a red flag is kept whatever else is missing or invalid.

    Returns the document to store (without the invalid answers: the result's "field_errors"
    quote each with the value given) and the triage result.
    """
    result = domain.triage(payload, today, keep_red_flags=True, missing=missing)
    errors: list[dict[str, str]] = result.get("field_errors", [])
    if not errors:
        return payload, result
    stored = dict(payload)
    stored["symptoms"] = _without(payload["symptoms"], errors, "symptoms.")
    products = payload.get("products")
    if isinstance(products, list):
        stored["products"] = [text for text in products if isinstance(text, str)]
    else:
        stored.pop("products", None)
    return stored, result


def _without(document: dict[str, Any], errors: list[dict[str, str]], prefix: str) -> dict[str, Any]:
    """`document` without the entries that `errors` name (top level and one level down)."""
    kept = dict(document)
    for error in errors:
        path = error["field"]
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].split(".")
        name = parts[0].split("[")[0]
        if len(parts) > 1 and isinstance(kept.get(name), dict):
            kept[name] = {k: v for k, v in kept[name].items() if k != parts[1]}
        elif len(parts) == 1:
            kept.pop(name, None)
    return kept


def list_checkins(
    uow: UnitOfWork, actor: Principal, patient_id: int, *, limit: int = 200
) -> Sequence[Checkin]:
    """A patient's check-ins, oldest first (trend charts read them in order)."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        rows = uow.session.scalars(
            select(Checkin)
            .where(Checkin.patient_id == patient.id)
            .order_by(Checkin.created_at.desc(), Checkin.id.desc())
            .limit(limit)
        ).all()
        audit.record_for_patient(uow.session, actor, "checkin.list", "patient", patient.id, patient)
        uow.commit()
        return list(reversed(rows))


def checkin_page(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    after: Sequence[Any] | None = None,
    limit: int = 200,
    newest_first: bool = False,
) -> Page[Checkin]:
    """A patient's check-ins, oldest first (or newest first), `limit` at a time after the
    position `after` (services.pagination): every check-in is reachable, none is silently
    cut off."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        page = keyset_page(
            uow.session,
            select(Checkin).where(Checkin.patient_id == patient.id),
            (Checkin.created_at, Checkin.id),
            after=after,
            limit=limit,
            descending=newest_first,
        )
        audit.record_for_patient(uow.session, actor, "checkin.list", "patient", patient.id, patient)
        uow.commit()
        return page


def get_checkin(uow: UnitOfWork, actor: Principal, patient_id: int, checkin_id: int) -> Checkin:
    with uow.reading():
        checkin, patient = _checkin_in(uow, actor, patient_id, checkin_id)
        uow.start_writes()  # on SQLite the write lock waits only for the audit row
        audit.record_for_patient(uow.session, actor, "checkin.read", "checkin", checkin.id, patient)
        uow.commit()
        return checkin


def result_page(
    uow: UnitOfWork, visit: Visit, shown: Shown, checkin_id: int
) -> tuple[PageViewer, Checkin]:
    """`get_checkin` for the result page: a check-in of the patient behind `visit`, read with
    the page's viewer (told to `shown`) in one unit of work (services.viewer)."""
    with uow.reading():
        seen = viewer_in(uow, visit, "patient", shown)
        actor = seen.principal
        assert actor.patient_id is not None  # checked by viewer_in
        checkin, patient = _checkin_in(uow, actor, actor.patient_id, checkin_id)
        uow.start_writes()  # on SQLite the write lock waits only for these writes
        note_seen(uow, seen)
        audit.record_for_patient(uow.session, actor, "checkin.read", "checkin", checkin.id, patient)
        uow.commit()
        return seen, checkin


def _checkin_in(
    uow: UnitOfWork, actor: Principal, patient_id: int, checkin_id: int
) -> tuple[Checkin, Patient]:
    patient = patient_for(uow.session, actor, patient_id)
    checkin = uow.session.get(Checkin, checkin_id)
    if checkin is None or checkin.patient_id != patient.id:
        raise NotFound("check-in")
    return checkin, patient
