"""Check-ins are all-or-nothing, and a key raced by two requests is stored once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from needlecare.services import auth, checkins
from needlecare.services.checkins import CheckinCreate
from needlecare.storage.models import Alert, AuditEntry, Checkin
from needlecare.storage.uow import UnitOfWork

RED_FLAGS = {
    "redness": 3,
    "swelling": 3,
    "hives": True,
    "facial_swelling": True,
    "breathing_difficulty": True,
}


def _counts(uow: UnitOfWork) -> tuple[int, int, int]:
    with uow:
        return tuple(  # type: ignore[return-value]
            int(uow.session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Checkin, Alert, AuditEntry)
        )


def test_a_failure_after_the_checkin_is_written_leaves_nothing(
    uow: UnitOfWork, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = auth.principal_for_token(uow, world.pat.token)

    def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(checkins.audit, "record", broken_audit)
    with pytest.raises(RuntimeError, match="disk full"):
        checkins.submit_checkin(
            uow,
            actor,
            world.patients["pat"],
            CheckinCreate(symptoms=RED_FLAGS),
            idempotency_key="k1",
        )
    assert _counts(uow) == (0, 0, 0)


def test_two_concurrent_submissions_with_one_key_store_one_checkin(
    uow: UnitOfWork, world: Any, app: Any
) -> None:
    actor = auth.principal_for_token(uow, world.pat.token)
    barrier = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            own = UnitOfWork(app.state.session_factory)
            outcome = checkins.submit_checkin(
                own,
                actor,
                world.patients["pat"],
                CheckinCreate(symptoms=RED_FLAGS),
                idempotency_key="double-tap",
            )
            results.append(outcome.checkin.id)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 4
    checkins_, alerts_, _ = _counts(uow)
    assert (checkins_, alerts_) == (1, 1)
