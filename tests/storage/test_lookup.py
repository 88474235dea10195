"""`UnitOfWork.lookup`: one read-only statement outside any transaction, on both databases."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import bindparam, select, update
from sqlalchemy.pool.base import _ConnectionFairy

from needlecare.storage.enums import Role
from needlecare.storage.models import Clinic, User
from needlecare.storage.uow import UnitOfWork

BY_EMAIL = select(User.id, User.email, User.role).where(User.email == bindparam("email"))
CLINIC_NAME = select(Clinic.name).where(Clinic.id == bindparam("id"))


def _in_transaction(driver_connection: Any) -> bool:
    if hasattr(driver_connection, "in_transaction"):  # sqlite3
        return bool(driver_connection.in_transaction)
    from psycopg.pq import TransactionStatus

    return bool(driver_connection.info.transaction_status != TransactionStatus.IDLE)


class _CursorSpy:
    """A driver cursor that notes, after each execute, whether its connection is in a
    transaction (SQLAlchemy's execution path and `storage.driver` both come through here)."""

    def __init__(self, cursor: Any, driver_connection: Any, seen: list[bool]) -> None:
        self._cursor, self._driver_connection, self._seen = cursor, driver_connection, seen

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        result = self._cursor.execute(*args, **kwargs)
        self._seen.append(_in_transaction(self._driver_connection))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@pytest.fixture
def transaction_seen(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each statement ran inside a database transaction (asked of the driver)."""
    seen: list[bool] = []
    cursor = _ConnectionFairy.cursor

    def spied(fairy: _ConnectionFairy, *args: Any, **kwargs: Any) -> Any:
        return _CursorSpy(cursor(fairy, *args, **kwargs), fairy.driver_connection, seen)

    monkeypatch.setattr(_ConnectionFairy, "cursor", spied)
    return seen


def test_returns_a_tuple_or_none(uow: UnitOfWork, world: Any) -> None:
    row = uow.lookup(BY_EMAIL, {"email": world.alice.email})
    assert type(row) is tuple
    assert row == (world.alice.user_id, world.alice.email, Role.ADMIN)
    assert uow.lookup(BY_EMAIL, {"email": "nobody@example.org"}) is None


def test_runs_outside_a_transaction(
    uow: UnitOfWork, world: Any, transaction_seen: list[bool]
) -> None:
    with uow.reading():  # the control: a unit of work is a transaction
        uow.session.execute(CLINIC_NAME, {"id": world.alder_id})
    assert transaction_seen == [True]
    transaction_seen.clear()
    assert uow.lookup(CLINIC_NAME, {"id": world.alder_id}) == ("Alder Clinic",)
    assert transaction_seen == [False]


def test_a_write_alone_commits_by_itself_outside_a_transaction(
    app: FastAPI, uow: UnitOfWork, world: Any, transaction_seen: list[bool]
) -> None:
    rename = (
        update(Clinic)
        .where(Clinic.id == bindparam("clinic_id"))
        .values(name=bindparam("name"))
        .returning(Clinic.name)
    )
    renamed = uow.execute_alone(rename, {"clinic_id": world.alder_id, "name": "Alder Skin"})
    assert renamed == [("Alder Skin",)]
    assert transaction_seen == [False]
    other = UnitOfWork(app.state.session_factory)  # committed: another unit sees it
    assert other.lookup(CLINIC_NAME, {"id": world.alder_id}) == ("Alder Skin",)
    with uow, pytest.raises(RuntimeError, match="inside"):
        uow.execute_alone(rename, {"clinic_id": world.alder_id, "name": "x"})


def test_raises_inside_a_unit_of_work(uow: UnitOfWork, world: Any) -> None:
    with uow, pytest.raises(RuntimeError, match="inside"):
        uow.lookup(CLINIC_NAME, {"id": world.alder_id})
    with uow.reading(), pytest.raises(RuntimeError, match="inside"):
        uow.lookup(CLINIC_NAME, {"id": world.alder_id})
    # The unit of work is still usable afterwards.
    assert uow.lookup(CLINIC_NAME, {"id": world.alder_id}) == ("Alder Clinic",)


def test_sees_what_another_unit_committed_just_before(app: FastAPI, world: Any) -> None:
    reader = UnitOfWork(app.state.session_factory)
    writer = UnitOfWork(app.state.session_factory)
    assert reader.lookup(CLINIC_NAME, {"id": world.alder_id}) == ("Alder Clinic",)
    for name in ("Alder Skin", "Alder Skin & Co"):
        with writer:
            clinic = writer.session.get(Clinic, world.alder_id)
            assert clinic is not None
            clinic.name = name
            writer.commit()
        # The pooled connection the reader used before holds no stale snapshot.
        assert reader.lookup(CLINIC_NAME, {"id": world.alder_id}) == (name,)
    with writer:
        writer.session.add(Clinic(name="Cedar Clinic"))
        writer.commit()
    by_name = select(Clinic.id).where(Clinic.name == bindparam("name"))
    assert reader.lookup(by_name, {"name": "Cedar Clinic"}) is not None


def test_an_uncommitted_write_is_not_seen_and_does_not_block_it(app: FastAPI, world: Any) -> None:
    writer = UnitOfWork(app.state.session_factory)
    found: list[tuple[Any, ...] | None] = []
    errors: list[BaseException] = []

    def look() -> None:
        try:
            reader = UnitOfWork(app.state.session_factory)
            found.append(reader.lookup(CLINIC_NAME, {"id": world.alder_id}))
        except BaseException as exc:  # asserted below
            errors.append(exc)

    with writer:  # holds the SQLite write lock / the PostgreSQL row lock
        clinic = writer.session.get(Clinic, world.alder_id)
        assert clinic is not None
        clinic.name = "Renamed, not yet committed"
        writer.flush()
        thread = threading.Thread(target=look)
        thread.start()
        thread.join(30)
        assert not thread.is_alive()
    assert errors == []
    assert found == [("Alder Clinic",)]
