"""`with uow.reading():` sees what other units committed, never what they have not, and is
not held up by a writer (on SQLite it takes neither the write lock nor BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import bindparam, select

from needlecare.storage.models import Clinic
from needlecare.storage.uow import UnitOfWork

CLINIC_NAME = select(Clinic.name).where(Clinic.id == bindparam("id"))


def _read(uow: UnitOfWork, statement: Any, params: dict[str, Any]) -> tuple[Any, ...] | None:
    with uow.reading():
        row = uow.session.execute(statement, params).one_or_none()
    return None if row is None else tuple(row)


def test_sees_what_another_unit_committed_just_before(app: FastAPI, world: Any) -> None:
    reader = UnitOfWork(app.state.session_factory)
    writer = UnitOfWork(app.state.session_factory)
    assert _read(reader, CLINIC_NAME, {"id": world.alder_id}) == ("Alder Clinic",)
    for name in ("Alder Skin", "Alder Skin & Co"):
        with writer:
            clinic = writer.session.get(Clinic, world.alder_id)
            assert clinic is not None
            clinic.name = name
            writer.commit()
        # The pooled connection the reader used before holds no stale snapshot.
        assert _read(reader, CLINIC_NAME, {"id": world.alder_id}) == (name,)
    with writer:
        writer.session.add(Clinic(name="Cedar Clinic"))
        writer.commit()
    by_name = select(Clinic.id).where(Clinic.name == bindparam("name"))
    assert _read(reader, by_name, {"name": "Cedar Clinic"}) is not None


def test_an_uncommitted_write_is_not_seen_and_does_not_block_it(app: FastAPI, world: Any) -> None:
    writer = UnitOfWork(app.state.session_factory)
    found: list[tuple[Any, ...] | None] = []
    errors: list[BaseException] = []

    def look() -> None:
        try:
            found.append(
                _read(UnitOfWork(app.state.session_factory), CLINIC_NAME, {"id": world.alder_id})
            )
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


def test_a_reading_unit_cannot_commit_and_rolls_back_what_it_did(app: FastAPI, world: Any) -> None:
    uow = UnitOfWork(app.state.session_factory)
    with pytest.raises(RuntimeError, match="read-only"), uow.reading():
        clinic = uow.session.get_one(Clinic, world.alder_id)
        clinic.name = "Never stored"
        uow.commit()
    assert _read(uow, CLINIC_NAME, {"id": world.alder_id}) == ("Alder Clinic",)
    with uow:  # the next unit of the same object is an ordinary, writing one
        uow.session.get_one(Clinic, world.alder_id).name = "Stored"
        uow.commit()
    assert _read(uow, CLINIC_NAME, {"id": world.alder_id}) == ("Stored",)
