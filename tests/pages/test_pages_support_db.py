"""The pages' own read models, on SQLite and PostgreSQL (root `database_url` fixture)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from needlecare.services import checkins, invitations, pages_support, patients
from needlecare.services.auth import principal_for
from needlecare.services.errors import Forbidden
from needlecare.services.principal import Principal
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.enums import Level
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


def test_roster_shows_last_check_in_and_open_alerts_within_the_clinic(
    seeded_db: tuple[sessionmaker[Session], World],
) -> None:
    factory, world = seeded_db
    uow = UnitOfWork(factory)
    paula = _principal(factory, world.patient_a)
    checkins.submit_checkin(
        uow,
        paula,
        world.patient_a_id,
        checkins.CheckinCreate(symptoms={"fever": True, "spreading_redness": True}),
        idempotency_key="db-1",
    )
    admin = _principal(factory, world.admin_a)

    rows = pages_support.roster(uow, admin, "PAU")
    assert [(r.display_name, r.last_day, r.open_alerts) for r in rows] == [("Paula Patient", 3, 1)]
    assert rows[0].last_level in (Level.URGENT, Level.CONTACT_CLINIC)
    assert rows[0].has_login
    assert pages_support.roster(uow, admin, "%") == []  # a literal percent sign, not a wildcard

    other = _principal(factory, world.clinician_b)
    assert [r.display_name for r in pages_support.roster(uow, other)] == ["Bo B"]
    with pytest.raises(Forbidden):
        pages_support.roster(uow, paula)


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
