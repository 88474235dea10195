"""Tokens, self-registration and invitations."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.storage.models import ApiToken, Patient, PatientInvitation
from needlecare.storage.uow import UnitOfWork


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password})


def test_a_token_from_email_and_password_works_until_revoked(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    issued = _login(client, "BOB@example.org ", world.bob.password)
    assert issued.status_code == 201
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    me = client.get("/api/v1/me", headers=headers).json()
    assert (me["user_id"], me["role"], me["clinic_id"]) == (
        world.bob.user_id,
        "clinician",
        world.alder_id,
    )
    with uow:
        stored = uow.session.get(ApiToken, issued.json()["id"])
        assert stored is not None
        assert stored.token_hash != issued.json()["token"]  # only the hash is kept
        assert stored.last_used_at is not None
    revoked = client.delete(f"/api/v1/auth/tokens/{issued.json()['id']}", headers=headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_wrong_password_and_unknown_email_get_the_same_401(client: TestClient, world: Any) -> None:
    wrong = _login(client, world.bob.email, "not-the-password")
    unknown = _login(client, "nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_missing_or_malformed_bearer_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nc_forged"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"


def test_self_registration_makes_a_personal_patient(client: TestClient, world: Any) -> None:
    created = client.post(
        "/api/v1/register",
        json={"email": "Kim@Example.org", "password": "kim-password-one", "display_name": "Kim"},
    )
    assert created.status_code == 201
    assert created.json()["role"] == "patient"
    assert created.json()["clinic_id"] is None
    token = _login(client, "kim@example.org", "kim-password-one").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    patients = client.get("/api/v1/patients", headers=headers).json()
    assert [p["id"] for p in patients] == [created.json()["patient_id"]]
    again = client.post(
        "/api/v1/register",
        json={"email": "kim@example.org", "password": "kim-password-two", "display_name": "Kim"},
    )
    assert again.status_code == 409
    short = client.post(
        "/api/v1/register",
        json={"email": "lee@example.org", "password": "short", "display_name": "Lee"},
    )
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "password"


def test_patient_invitation_is_a_single_use_link_stored_hashed(
    client: TestClient, uow: UnitOfWork, world: Any
) -> None:
    quinn = world.patients["quinn"]
    invited = client.post(f"/api/v1/patients/{quinn}/invitations", headers=world.bob.headers)
    assert invited.status_code == 201
    token = invited.json()["token"]
    with uow:
        row = uow.session.scalar(select(PatientInvitation))
        assert row is not None
        assert token not in (row.token_hash,)
    accept = {"token": token, "email": "quinn.new@example.org", "password": "quinn-new-password"}
    accepted = client.post("/api/v1/invitations/patient/accept", json=accept)
    assert accepted.status_code == 201
    assert accepted.json()["patient_id"] == quinn
    assert client.post("/api/v1/invitations/patient/accept", json=accept).status_code == 404
    login = _login(client, "quinn.new@example.org", "quinn-new-password").json()["token"]
    mine = client.get("/api/v1/patients", headers={"Authorization": f"Bearer {login}"}).json()
    assert [p["id"] for p in mine] == [quinn]
    with uow:
        patient = uow.session.get(Patient, quinn)
        assert patient is not None and patient.user_id is not None
    again = client.post(f"/api/v1/patients/{quinn}/invitations", headers=world.bob.headers)
    assert again.status_code == 409


def test_only_admins_invite_staff_and_the_invitee_joins_that_clinic(
    client: TestClient, world: Any
) -> None:
    body = {"email": "dee@example.org", "role": "clinician"}
    assert (
        client.post("/api/v1/invitations/staff", json=body, headers=world.bob.headers).status_code
        == 403
    )
    invited = client.post("/api/v1/invitations/staff", json=body, headers=world.alice.headers)
    assert invited.status_code == 201
    joined = client.post(
        "/api/v1/invitations/staff/accept",
        json={
            "token": invited.json()["token"],
            "display_name": "Dee",
            "password": "dee-new-password",
        },
    )
    assert joined.status_code == 201
    assert (joined.json()["role"], joined.json()["clinic_id"]) == ("clinician", world.alder_id)
