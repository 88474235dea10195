"""Clinician notes (staff only) and product recommendations (staff write, patient reads)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from needlecare.services import audit, shelf
from needlecare.services.errors import Invalid
from needlecare.services.pagination import DEFAULT_LIMIT, Page, keyset_page
from needlecare.services.principal import Principal
from needlecare.services.recommendation_check import check_recommendation, require_acknowledged
from needlecare.services.scope import patient_for, require_staff
from needlecare.storage.base import utcnow
from needlecare.storage.models import ClinicalNote, Recommendation
from needlecare.storage.uow import UnitOfWork

MAX_TEXT = 20_000


# What to say for an empty required field: what is missing, not a length rule.
EMPTY = {"body": "write a note first", "product_name": "enter the product's name"}


def _text(value: str, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if required and not value:
        raise Invalid.field(field, EMPTY.get(field, "fill this in"))
    if len(value) > limit:
        raise Invalid.field(field, f"enter at most {limit} characters ({len(value)} now)")
    return value


def add_note(uow: UnitOfWork, actor: Principal, patient_id: int, body: str) -> ClinicalNote:
    require_staff(actor)
    body = _text(body, "body", required=True)
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        note = ClinicalNote(
            patient_id=patient.id, author_id=actor.user_id, body=body, created_at=utcnow()
        )
        uow.session.add(note)
        uow.flush()
        audit.record_for_patient(
            uow.session, actor, "note.create", "clinical_note", note.id, patient
        )
        uow.commit()
        return note


def list_notes(uow: UnitOfWork, actor: Principal, patient_id: int) -> Sequence[ClinicalNote]:
    require_staff(actor)
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        rows = uow.session.scalars(
            select(ClinicalNote)
            .where(ClinicalNote.patient_id == patient.id)
            .order_by(ClinicalNote.id)
        ).all()
        audit.record_for_patient(uow.session, actor, "note.list", "patient", patient.id, patient)
        uow.commit()
        return rows


def note_page(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
    newest_first: bool = False,
) -> Page[ClinicalNote]:
    """A patient's notes, oldest first (or newest first), `limit` at a time after `after`
    (staff only)."""
    require_staff(actor)
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        page = keyset_page(
            uow.session,
            select(ClinicalNote).where(ClinicalNote.patient_id == patient.id),
            (ClinicalNote.id,),
            after=after,
            limit=limit,
            descending=newest_first,
        )
        audit.record_for_patient(uow.session, actor, "note.list", "patient", patient.id, patient)
        uow.commit()
        return page


@dataclass(frozen=True)
class RecommendationCreate:
    product_name: str
    inci_text: str = ""
    note: str = ""
    from_day: int | None = None  # the recovery day it is recommended from (default: today's)
    acknowledge_avoid: bool = False  # recommended although the checker says avoid then


def add_recommendation(
    uow: UnitOfWork, actor: Principal, patient_id: int, data: RecommendationCreate
) -> Recommendation:
    require_staff(actor)
    name = _text(data.product_name, "product_name", required=True, limit=200)
    inci = _text(data.inci_text, "inci_text", required=False)
    note = _text(data.note, "note", required=False)
    # The checker's verdict for each recommended day: "avoid" must be confirmed (422).
    check = check_recommendation(uow, actor, patient_id, inci, from_day=data.from_day)
    require_acknowledged(check, data.acknowledge_avoid)
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        rec = Recommendation(
            patient_id=patient.id,
            author_id=actor.user_id,
            product_name=name,
            inci_text=inci,
            note=note,
            created_at=utcnow(),
            from_day=data.from_day,
            avoid_acknowledged=bool(check.avoid_days),
        )
        uow.session.add(rec)
        uow.flush()
        audit.record_for_patient(
            uow.session, actor, "recommendation.create", "recommendation", rec.id, patient
        )
        if inci:  # recommended products appear on the patient's shelf (issue 21)
            shelf.shelve_recommendation(uow.session, actor, patient, name, inci)
        uow.commit()
        return rec


def recommendation_page(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    *,
    after: Sequence[Any] | None = None,
    limit: int = DEFAULT_LIMIT,
    newest_first: bool = False,
) -> Page[Recommendation]:
    """A patient's recommendations, visible to the clinic's staff and to the patient: oldest
    first (or newest first), `limit` at a time after `after`."""
    with uow:
        patient = patient_for(uow.session, actor, patient_id)
        page = keyset_page(
            uow.session,
            select(Recommendation).where(Recommendation.patient_id == patient.id),
            (Recommendation.id,),
            after=after,
            limit=limit,
            descending=newest_first,
        )
        audit.record_for_patient(
            uow.session, actor, "recommendation.list", "patient", patient.id, patient
        )
        uow.commit()
        return page
