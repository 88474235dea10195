"""Inviting never tells a clinic that an address has an account at another clinic."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import StaffInvitation, User
from needlecare.storage.uow import UnitOfWork

API = "/api/v1"


def _invite(client: TestClient, admin: Any, email: str) -> Any:
    return client.post(
        f"{API}/invitations/staff",
        json={"email": email, "role": "clinician"},
        headers=admin.headers,
    )


def test_an_address_with_an_account_elsewhere_is_invited_like_a_new_one(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    fresh = _invite(client, world.charlie, "nobody-yet@example.org")
    # pat is a patient of Alder (with a login), bob is Alder's clinician, sol is personal.
    for email in (world.pat.email, world.bob.email, world.sol.email.upper()):
        taken = _invite(client, world.charlie, email)
        assert taken.status_code == fresh.status_code == 201, taken.text
        assert taken.json().keys() == fresh.json().keys()
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(StaffInvitation)) == 4


def test_using_such_a_link_fails_and_changes_no_account(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    token = _invite(client, world.charlie, world.pat.email).json()["token"]
    accepted = client.post(
        f"{API}/invitations/staff/accept",
        json={"token": token, "display_name": "Mallory", "password": "mallory-password"},
    )
    assert accepted.status_code == 409
    with uow:
        pat = uow.session.get(User, world.pat.user_id)
        assert pat is not None
        assert (pat.role.value, pat.clinic_id, pat.display_name) == (
            "patient",
            world.alder_id,
            "Pat",
        )
        used = uow.session.scalar(select(StaffInvitation.used_at))
        assert used is None  # still usable by nobody else: the address is fixed
    login = client.post(
        f"{API}/auth/tokens", json={"email": world.pat.email, "password": world.pat.password}
    )
    assert login.status_code == 201


def test_the_clinic_is_told_about_its_own_people(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    for email in (world.bob.email, world.pat.email):  # Alder's clinician and patient
        refused = _invite(client, world.alice, email)
        assert refused.status_code == 409
        assert "at your clinic" in refused.text
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(StaffInvitation)) == 0
    # The same addresses from another clinic: issued, nothing said.
    assert _invite(client, world.charlie, world.bob.email).status_code == 201
