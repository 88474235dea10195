"""Login rate limit and lockout live in the database: every app server sees the same counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.config import Settings
from needlecare.services import auth, ratelimit
from needlecare.services.errors import Unauthorized
from needlecare.services.ratelimit import TooManyAttempts
from needlecare.storage.base import utcnow
from needlecare.storage.models import LoginFailure, User
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app


def _fail(client: TestClient, email: str, times: int) -> list[int]:
    body = {"email": email, "password": "wrong password!"}
    return [client.post("/api/v1/auth/tokens", json=body).status_code for _ in range(times)]


def test_account_locks_after_repeated_failures_even_with_the_right_password(
    client: TestClient, world: Any
) -> None:
    assert _fail(client, world.alice.email, ratelimit.LOCK_AFTER) == [401] * ratelimit.LOCK_AFTER
    right = {"email": world.alice.email, "password": world.alice.password}
    locked = client.post("/api/v1/auth/tokens", json=right)
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert "locked for 15 minutes" in locked.json()["error"]
    # Another account from the same client is not locked.
    other = {"email": world.bob.email, "password": world.bob.password}
    assert client.post("/api/v1/auth/tokens", json=other).status_code == 201


def _age_failures(uow: UnitOfWork, by: timedelta) -> None:
    """Move recorded failures back in time (instead of sleeping through the window)."""
    with uow:
        for row in uow.session.scalars(select(LoginFailure)):
            row.at = row.at - by
        uow.commit()


def test_lock_ends_after_the_lockout_period(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    _fail(client, world.alice.email, ratelimit.LOCK_AFTER)
    right = {"email": world.alice.email, "password": world.alice.password}
    assert client.post("/api/v1/auth/tokens", json=right).status_code == 429
    _age_failures(uow, ratelimit.LOCKOUT)
    assert client.post("/api/v1/auth/tokens", json=right).status_code == 201


def test_success_clears_the_account_count(uow: UnitOfWork, world: Any) -> None:
    for _ in range(ratelimit.LOCK_AFTER - 1):
        with pytest.raises(Unauthorized):
            auth.authenticate(uow, world.bob.email, "nope nope nope")
    auth.authenticate(uow, world.bob.email, world.bob.password)
    for _ in range(ratelimit.LOCK_AFTER - 1):
        with pytest.raises(Unauthorized):
            auth.authenticate(uow, world.bob.email, "nope nope nope")
    assert auth.authenticate(uow, world.bob.email, world.bob.password).user_id == world.bob.user_id


def test_one_client_ip_spraying_many_accounts_is_blocked(uow: UnitOfWork, world: Any) -> None:
    for n in range(ratelimit.IP_LIMIT):
        with pytest.raises(Unauthorized):
            auth.authenticate(uow, f"nobody{n}@example.org", "guess guess", client_ip="203.0.113.9")
    with pytest.raises(TooManyAttempts, match="from your network"):
        auth.authenticate(uow, world.bob.email, world.bob.password, client_ip="203.0.113.9")
    assert auth.authenticate(uow, world.bob.email, world.bob.password, client_ip="203.0.113.10")


def test_the_count_is_shared_by_separate_app_processes(settings: Settings, world: Any) -> None:
    """Two apps with their own engines (as two servers would have) count the same failures."""
    apps = [create_app(settings), create_app(settings)]
    try:
        clients = [TestClient(a, raise_server_exceptions=False) for a in apps]
        for n in range(ratelimit.LOCK_AFTER):
            _fail(clients[n % 2], world.charlie.email, 1)
        right = {"email": world.charlie.email, "password": world.charlie.password}
        assert [c.post("/api/v1/auth/tokens", json=right).status_code for c in clients] == [429] * 2
    finally:
        for a in apps:
            a.state.engine.dispose()


def test_old_failures_are_deleted(uow: UnitOfWork) -> None:
    ratelimit.record_failure(uow, "old@example.org", "198.51.100.1")
    _age_failures(uow, ratelimit.RETENTION + timedelta(minutes=1))
    ratelimit.record_failure(uow, "new@example.org", None)
    with uow.reading():
        rows = sorted(uow.session.execute(select(LoginFailure.scope, LoginFailure.key)).all())
    assert [key for scope, key in rows if scope == ratelimit.ACCOUNT] == ["new@example.org"]
    assert len(rows) == 2  # and its per-address pair; every row of the old one is gone


# --- Retry-After: seconds until the stored failures stop blocking -------------------------------

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


def _minutes_ago(*minutes: float) -> list[datetime]:
    """Failure times, newest first, as `account_wait`/`ip_wait` receive them."""
    return [T0 - timedelta(minutes=m) for m in sorted(minutes)]


def test_the_lock_lasts_the_whole_lockout_after_the_last_of_the_failures() -> None:
    # Ten failures spread over 14 minutes, the last one 5 minutes ago: 10 minutes to go,
    # although the oldest failures have already left the 15-minute window.
    spread = _minutes_ago(5, *(5 + 14 * i / 9 for i in range(1, 10)))
    assert ratelimit.account_wait(spread, T0) == 10 * 60
    assert ratelimit.account_wait(spread[:9], T0) == 0  # nine are not enough
    # Ten failures spread over more than the window never lock.
    assert ratelimit.account_wait(_minutes_ago(*(2 * i for i in range(10))), T0) == 0
    assert ratelimit.account_wait(_minutes_ago(*([16] * 10)), T0) == 0  # lock over


def test_the_ip_block_ends_when_enough_failures_have_left_the_window() -> None:
    # 45 failures in the last minute and 10 from 14 minutes ago: the 50th newest is one of
    # the old ones, so the block ends in 1 minute (then only 49 are left in the window).
    times = _minutes_ago(*(s / 60 for s in range(1, 46)), *([14] * 10))
    assert ratelimit.ip_wait(times, T0) == 60
    assert ratelimit.ip_wait(times[:49], T0) == 0
    assert ratelimit.ip_wait(_minutes_ago(*([15] * 50)), T0) == 0


def _set_failures(uow: UnitOfWork, at: datetime) -> None:
    with uow:
        for row in uow.session.scalars(select(LoginFailure)):
            row.at = at
        uow.commit()


def test_the_api_429_carries_retry_after_from_the_stored_failures(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    _fail(client, world.alice.email, ratelimit.LOCK_AFTER)
    _set_failures(uow, utcnow() - timedelta(minutes=5))  # as if the last failure was 5 min ago
    right = {"email": world.alice.email, "password": world.alice.password}
    locked = client.post("/api/v1/auth/tokens", json=right)
    assert locked.status_code == 429
    retry_after = int(locked.headers["retry-after"])
    assert 10 * 60 - 30 <= retry_after <= 10 * 60  # what is left of the 15 minutes
    assert "Try again in 10 minutes" in locked.json()["error"]


def test_the_ip_block_says_when_to_retry(uow: UnitOfWork) -> None:
    for n in range(ratelimit.IP_LIMIT):
        ratelimit.record_failure(uow, f"nobody{n}@example.org", "203.0.113.7")
    _set_failures(uow, utcnow() - timedelta(minutes=12))
    with pytest.raises(TooManyAttempts, match="Try again in 3 minutes") as raised:
        ratelimit.check_login_allowed(uow, "someone@example.org", "203.0.113.7")
    assert 3 * 60 - 30 <= raised.value.retry_after_s <= 3 * 60


# --- The HTML login form: the same service, the same counter --------------------------------

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOCKED = re.compile(r"This account is locked[^<]*")


def _page_login(client: TestClient, email: str, password: str) -> Any:
    match = CSRF.search(client.get("/login").text)
    assert match, "the login page has no CSRF field"
    form = {"email": email, "password": password, "csrf_token": match.group(1)}
    return client.post("/login", data=form, follow_redirects=False)


def test_the_login_page_locks_out_like_the_api_with_the_same_count(
    client: TestClient, world: Any
) -> None:
    email, right = world.bob.email, world.bob.password
    for n in range(ratelimit.LOCK_AFTER):  # failures through the page and the API alike
        if n % 2:
            assert _page_login(client, email, "wrong password!").status_code == 401
        else:
            assert _fail(client, email, 1) == [401]
    page = _page_login(client, email, right)
    assert page.status_code == 429
    assert 0 < int(page.headers["retry-after"]) <= ratelimit.LOCKOUT.total_seconds()
    assert "This account is locked for 15 minutes" in page.text
    assert "do not match" not in page.text
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"  # no session
    api = client.post("/api/v1/auth/tokens", json={"email": email, "password": right})
    assert api.status_code == 429 and api.headers["retry-after"]


def test_a_locked_login_page_does_not_say_whether_the_account_exists(
    client: TestClient, world: Any
) -> None:
    pages = []
    for email in (world.alice.email, "nobody-here@example.org"):
        for _ in range(ratelimit.LOCK_AFTER):
            assert _page_login(client, email, "wrong password!").status_code == 401
        pages.append(_page_login(client, email, "wrong password!"))
    assert [p.status_code for p in pages] == [429, 429]
    messages = [LOCKED.findall(p.text) for p in pages]
    assert messages[0] and messages[0] == messages[1]


# --- issue 18: a lock-out slows the attacker without locking out the real user -----------


def test_failures_from_one_address_do_not_lock_the_real_user_elsewhere(
    uow: UnitOfWork, world: Any
) -> None:
    for _ in range(ratelimit.LOCK_AFTER):
        with pytest.raises(Unauthorized):
            auth.authenticate(uow, world.bob.email, "wrong guess", client_ip="203.0.113.66")
    with pytest.raises(ratelimit.TooManyAttempts):
        auth.authenticate(uow, world.bob.email, world.bob.password, client_ip="203.0.113.66")
    assert auth.authenticate(uow, world.bob.email, world.bob.password, client_ip="198.51.100.5")


def test_a_distributed_guess_is_slowed_down_not_locked(uow: UnitOfWork, world: Any) -> None:
    for n in range(ratelimit.SLOW_AFTER):
        ratelimit.record_failure(uow, world.bob.email, f"203.0.113.{n}")
    with pytest.raises(ratelimit.TooManyAttempts) as caught:
        auth.authenticate(uow, world.bob.email, world.bob.password, client_ip="198.51.100.5")
    assert 0 < caught.value.retry_after_s <= ratelimit.MAX_BACKOFF.total_seconds()


def test_the_backoff_doubles_and_is_capped() -> None:
    def failures(n: int) -> list[datetime]:
        return [T0 - timedelta(seconds=0)] * n

    assert ratelimit.backoff_wait(failures(ratelimit.SLOW_AFTER - 1), T0) == 0
    assert ratelimit.backoff_wait(failures(ratelimit.SLOW_AFTER), T0) == 1
    assert ratelimit.backoff_wait(failures(ratelimit.SLOW_AFTER + 3), T0) == 8
    assert ratelimit.backoff_wait(failures(ratelimit.SLOW_AFTER + 30), T0) == 60


def test_registration_is_rate_limited_per_address(client: TestClient) -> None:
    answers = [
        client.post(
            "/api/v1/register",
            json={
                "email": f"someone{n}@example.org",
                "password": "correct horse battery staple",
                "display_name": "Someone",
            },
        ).status_code
        for n in range(ratelimit.REGISTER_IP_LIMIT + 1)
    ]
    assert answers[:-1] == [201] * ratelimit.REGISTER_IP_LIMIT
    assert answers[-1] == 429


def test_asking_whether_an_email_is_taken_counts_against_the_sign_up_limit(
    client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A taken email answers 409, so that answer must not be had in bulk: every probe
    counts, and past the per-address limit even a free email gets 429 (no answer at all)."""
    monkeypatch.setattr(ratelimit, "REGISTER_IP_LIMIT", 3)

    def sign_up(email: str) -> int:
        body = {"email": email, "password": "correct horse battery staple", "display_name": "X"}
        return client.post("/api/v1/register", json=body).status_code

    assert [sign_up(world.pat.email) for _ in range(3)] == [409, 409, 409]
    assert sign_up(world.pat.email) == 429
    assert sign_up("free-address@example.org") == 429


def test_sign_ups_from_many_addresses_meet_the_global_limit(
    uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from needlecare.services import invitations
    from needlecare.services.errors import Conflict

    monkeypatch.setattr(ratelimit, "REGISTER_GLOBAL_LIMIT", 4)
    password = "correct horse battery staple"
    for n in range(4):  # four probes of a taken email, each from its own address
        with pytest.raises(Conflict):
            invitations.register_personal(uow, world.pat.email, password, "X", f"10.0.0.{n}")
    with pytest.raises(TooManyAttempts):
        invitations.register_personal(uow, "free@example.org", password, "X", "10.0.9.9")


def test_a_login_is_one_read_then_one_write_and_a_login_disabled_meanwhile_counts_as_failed(
    uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rate limits and the account are read in one unit, argon2 runs outside any, then
    one write unit completes the login (failures cleared, the token stored)."""
    with pytest.raises(Unauthorized):
        auth.authenticate(uow, world.bob.email, "nope nope nope")
    units: list[bool] = []
    enter = UnitOfWork.__enter__

    def counted(self: UnitOfWork) -> UnitOfWork:
        units.append(self._read_only)
        return enter(self)

    monkeypatch.setattr(UnitOfWork, "__enter__", counted)
    assert auth.create_token(uow, world.bob.email, world.bob.password).token
    assert units == [True, False]
    monkeypatch.setattr(UnitOfWork, "__enter__", enter)
    with uow.reading():
        left = uow.session.scalars(
            select(LoginFailure).where(LoginFailure.key == world.bob.email)
        ).all()
    assert left == []

    real_verify = auth.verify_password

    def verify_then_disable(stored: str, password: str) -> bool:
        ok = real_verify(stored, password)
        with UnitOfWork(uow._session_factory) as other:  # an admin disables the login now
            other.session.get_one(User, world.bob.user_id).is_active = False
            other.commit()
        return ok

    monkeypatch.setattr(auth, "verify_password", verify_then_disable)
    with pytest.raises(Unauthorized):
        auth.create_token(uow, world.bob.email, world.bob.password)
    with uow.reading():
        failures = uow.session.scalars(
            select(LoginFailure).where(LoginFailure.key == world.bob.email)
        ).all()
    assert len(failures) == 1
