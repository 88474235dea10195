"""A person's language: stored on their login, used by pages, emails and PDFs (issue 22)."""

from __future__ import annotations

from sqlalchemy import select, update

from needlecare.i18n import shipped_locales
from needlecare.services import audit
from needlecare.services.errors import FieldError, Invalid
from needlecare.services.principal import Principal
from needlecare.storage.models import Patient, User
from needlecare.storage.uow import UnitOfWork


def set_language(uow: UnitOfWork, actor: Principal, language: str | None) -> str | None:
    """Store the actor's language; None (or "") goes back to following the browser."""
    chosen = (language or "").strip() or None
    if chosen is not None and chosen not in shipped_locales():
        raise Invalid([FieldError("language", "choose one of the languages listed")])
    with uow:
        uow.session.execute(update(User).where(User.id == actor.user_id).values(language=chosen))
        audit.record(
            uow.session, actor, "account.language", "user", actor.user_id, clinic_id=actor.clinic_id
        )
        uow.commit()
    return chosen


def patient_language(uow: UnitOfWork, patient_id: int) -> str | None:
    """The language a patient's login chose (None: none chosen, or no login yet)."""
    with uow.reading():
        return uow.session.scalar(
            select(User.language)
            .join(Patient, Patient.user_id == User.id)
            .where(Patient.id == patient_id)
        )
