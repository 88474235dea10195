"""The pages' own read models, on SQLite and PostgreSQL (root `database_url` fixture)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from needlecare.services import invitations, pages_support, patients
from needlecare.services.auth import principal_for
from needlecare.services.principal import Principal
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.models import User
from needlecare.storage.uow import UnitOfWork

from .seed import World, seed_world


@pytest.fixture
def seeded_db(database_url: str) -> Iterator[tuple[sessionmaker[Session], World]]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield factory, seed_world(factory)
    engine.dispose()


def _principal(factory: sessionmaker[Session], email: str) -> Principal:
    with factory() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        return principal_for(session, user)


def test_invitation_preview_is_shown_once_and_only_for_a_real_link(
    seeded_db: tuple[sessionmaker[Session], World],
) -> None:
    factory, world = seeded_db
    uow = UnitOfWork(factory)
    admin = _principal(factory, world.admin_a)
    _patient, issued = invitations.invite_new_patient(
        uow, admin, patients.PatientCreate(display_name="Nia", email="nia@example.test")
    )

    preview = pages_support.preview_invitation(uow, issued.token)
    assert preview == pages_support.InvitationPreview(
        "patient", "Clinic Alder", "Nia", "nia@example.test", None
    )

    invitations.accept_patient_invitation(uow, issued.token, "nia@example.test", "a long password")
    assert pages_support.preview_invitation(uow, issued.token) is None
    assert pages_support.preview_invitation(uow, "inv_" + "x" * 40) is None
    assert pages_support.preview_invitation(uow, "") is None

    staff = invitations.invite_staff(uow, admin, "Sam@Alder.test", "admin")
    staff_preview = pages_support.preview_invitation(uow, staff.token)
    assert staff_preview is not None
    assert (staff_preview.kind, staff_preview.email, staff_preview.role) == (
        "staff",
        "sam@alder.test",
        "admin",
    )
