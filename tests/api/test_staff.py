"""Issue 19: the staff list (roles, last seen), change a role, deactivate (sessions and tokens end
at once), and the clinic always keeps an active admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.api_helpers import session_cookie
from conftest import SECRET, World
from needlecare.services import auth, staff
from needlecare.services.errors import Conflict, Forbidden, NotFound
from needlecare.services.pagination import encode_cursor
from needlecare.storage.base import utcnow
from needlecare.storage.enums import Role
from needlecare.storage.models import AuditEntry, User
from needlecare.storage.uow import UnitOfWork

STAFF = "/api/v1/clinic/staff"


def _user(uow: UnitOfWork, user_id: int) -> User:
    with uow.reading():
        return uow.session.get_one(User, user_id)


def test_staff_list_their_own_clinics_staff(client: TestClient, world: World) -> None:
    listed = client.get(STAFF, headers=world.alice.headers)
    assert listed.status_code == 200
    rows = {r["email"]: r for r in listed.json()}
    assert set(rows) == {world.alice.email, world.bob.email}  # no patient, no other clinic
    assert rows[world.bob.email]["role"] == "clinician"
    assert rows[world.alice.email]["role"] == "admin"
    # A clinician reads the same list (and cannot change it: the matrix and tests below).
    as_bob = client.get(STAFF, headers=world.bob.headers).json()
    assert [(r["email"], r["role"]) for r in as_bob] == [
        (r["email"], r["role"]) for r in listed.json()
    ]
    assert client.get(STAFF, headers=world.pat.headers).status_code == 403
    birch = client.get(STAFF, headers=world.charlie.headers).json()
    assert [r["email"] for r in birch] == [world.charlie.email]


def test_last_seen_is_written_at_most_every_few_minutes(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    assert _user(uow, world.bob.user_id).last_seen_at is None
    client.get("/api/v1/me", headers=world.bob.headers)
    first = _user(uow, world.bob.user_id).last_seen_at
    assert first is not None
    client.get("/api/v1/me", headers=world.bob.headers)
    assert _user(uow, world.bob.user_id).last_seen_at == first  # no write per request
    # A page session counts too, and an old mark is moved on.
    old = utcnow() - auth.LAST_USED_RESOLUTION - timedelta(seconds=5)
    with uow:
        uow.session.execute(
            update(User).where(User.id == world.bob.user_id).values(last_seen_at=old)
        )
        uow.commit()
    client.cookies.update(session_cookie(SECRET, {"uid": world.bob.user_id, "gen": 0}))
    assert client.get("/clinic/patients", follow_redirects=False).status_code == 200
    seen = _user(uow, world.bob.user_id).last_seen_at
    assert seen is not None and seen > old
    shown = client.get(STAFF, headers=world.alice.headers).json()
    assert any(r["email"] == world.bob.email and r["last_seen_at"] for r in shown)


def test_deactivation_ends_sessions_and_tokens_at_once(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    cookie = session_cookie(SECRET, {"uid": world.bob.user_id, "gen": 0})
    client.cookies.update(cookie)
    assert client.get("/clinic/patients", follow_redirects=False).status_code == 200
    done = client.patch(
        f"{STAFF}/{world.bob.user_id}", json={"is_active": False}, headers=world.alice.headers
    )
    assert done.status_code == 200 and done.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=world.bob.headers).status_code == 401
    client.cookies.update(cookie)
    assert client.get("/clinic/patients", follow_redirects=False).status_code == 303
    # Reactivated: the login works again with its password, not with the old token.
    again = client.patch(
        f"{STAFF}/{world.bob.user_id}", json={"is_active": True}, headers=world.alice.headers
    )
    assert again.status_code == 200
    assert client.get("/api/v1/me", headers=world.bob.headers).status_code == 401
    assert auth.authenticate(uow, world.bob.email, world.bob.password).user_id == world.bob.user_id
    with uow.reading():
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(world.bob.user_id))
        ).all()
    assert [a for a in actions if "staff" in a] == ["staff.deactivate", "staff.reactivate"]


def test_the_last_admin_can_neither_leave_nor_step_down(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    me = f"{STAFF}/{world.alice.user_id}"
    headers = world.alice.headers
    assert client.patch(me, json={"role": "clinician"}, headers=headers).status_code == 409
    assert client.patch(me, json={"is_active": False}, headers=headers).status_code == 409
    # Both at once: refused as a whole, nothing half-written.
    both = client.patch(
        f"{STAFF}/{world.bob.user_id}", json={"role": "admin", "is_active": False}, headers=headers
    )
    assert both.status_code == 200  # bob was never an admin: nothing is lost
    assert _user(uow, world.bob.user_id).role is Role.ADMIN
    assert _user(uow, world.bob.user_id).is_active is False
    assert client.patch(me, json={"role": "clinician"}, headers=headers).status_code == 409
    promote = client.patch(
        f"{STAFF}/{world.bob.user_id}", json={"is_active": True}, headers=headers
    )
    assert promote.status_code == 200
    stepped = client.patch(me, json={"role": "clinician"}, headers=headers)
    assert stepped.status_code == 200 and stepped.json()["role"] == "clinician"
    # Alice's token now carries a clinician: changing staff is closed to her at once.
    assert client.patch(me, json={"role": "admin"}, headers=headers).status_code == 403


def test_an_admin_cannot_touch_another_clinics_staff_or_patients(
    uow: UnitOfWork, world: World
) -> None:
    charlie = auth.principal_for_token(uow, world.charlie.token)
    with pytest.raises(NotFound):
        staff.update(uow, charlie, world.bob.user_id, active=False)
    alice = auth.principal_for_token(uow, world.alice.token)
    with pytest.raises(NotFound):  # a patient's login is not staff
        staff.update(uow, alice, world.pat.user_id, role="admin")
    bob = auth.principal_for_token(uow, world.bob.token)
    with pytest.raises(Forbidden):
        staff.update(uow, bob, world.alice.user_id, active=False)
    assert _user(uow, world.bob.user_id).is_active


def test_a_bad_role_is_a_clear_422(client: TestClient, world: World) -> None:
    bad = client.patch(
        f"{STAFF}/{world.bob.user_id}", json={"role": "owner"}, headers=world.alice.headers
    )
    assert bad.status_code == 422
    empty = client.patch(f"{STAFF}/{world.bob.user_id}", json={}, headers=world.alice.headers)
    assert empty.status_code == 422


def test_two_admins_cannot_both_step_down(uow: UnitOfWork, world: World) -> None:
    alice = auth.principal_for_token(uow, world.alice.token)
    staff.update(uow, alice, world.bob.user_id, role="admin")
    staff.update(uow, alice, world.alice.user_id, role="clinician")
    bob = auth.principal_for_token(uow, world.bob.token)
    with pytest.raises(Conflict):
        staff.update(uow, bob, world.bob.user_id, active=False)


def _add_staff(uow: UnitOfWork, world: World) -> None:
    """Seven more colleagues of alder: names that tie but for case, a non-ASCII one, and two
    deactivated logins (they come after every active one)."""
    names = ["dana", "Dana", "erin", "Émile", "zoe", "adam", "Yuri"]
    with uow:
        for n, name in enumerate(names):
            uow.session.add(
                User(
                    email=f"staff{n}@alder.test",
                    password_hash="x",
                    role=Role.CLINICIAN if n % 2 else Role.ADMIN,
                    clinic_id=world.alder_id,
                    display_name=name,
                    is_active=name not in ("zoe", "adam"),
                )
            )
        uow.commit()


def test_the_staff_list_pages_through_everyone_once(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    _add_staff(uow, world)
    url: str | None = f"{STAFF}?limit=2"
    pages: list[list[dict[str, object]]] = []
    while url and len(pages) < 10:
        response = client.get(url, headers=world.bob.headers)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        link = response.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
    rows = [r for page in pages for r in page]
    assert [len(p) for p in pages] == [2, 2, 2, 2, 1]  # 9 staff, 2 at a time, then no link
    assert len({r["id"] for r in rows}) == len(rows) == 9  # none lost, none twice
    whole = client.get(f"{STAFF}?limit=100", headers=world.bob.headers).json()
    assert [r["id"] for r in rows] == [r["id"] for r in whole]  # the same order as one page
    active = [r["is_active"] for r in rows]
    assert active == sorted(active, reverse=True)  # active first
    ascii_names = [str(r["display_name"]).lower() for r in rows if r["display_name"] != "Émile"]
    assert ascii_names[:6] == sorted(ascii_names[:6])  # then by name, case aside
    assert client.get(f"{STAFF}?limit=0", headers=world.bob.headers).status_code == 422


def test_a_staff_cursor_of_another_list_is_a_422_not_a_500(
    client: TestClient, world: World
) -> None:
    # Signed with the same key, made for another list (patients, the roster's 3-part key).
    for after in ([7], ["urgent", ["dt", "2026-01-01T00:00:00"], 3], [0, 5, 1], [1, "a", "b"]):
        cursor = encode_cursor(SECRET, after)
        response = client.get(STAFF, params={"cursor": cursor}, headers=world.alice.headers)
        assert response.status_code == 422, (after, response.text)
