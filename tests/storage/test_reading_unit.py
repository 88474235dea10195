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


def test_writes_after_the_reads_commit_though_another_writer_committed_in_between(
    app: FastAPI, world: Any
) -> None:
    """`start_writes()`: on SQLite a deferred transaction that read and then writes after
    another writer's commit fails with SQLITE_BUSY_SNAPSHOT; the writes after the reads run in
    a transaction of their own, so they land, and what was read stays readable."""
    uow = UnitOfWork(app.state.session_factory)
    other = UnitOfWork(app.state.session_factory)
    with uow.reading():
        clinic = uow.session.get_one(Clinic, world.alder_id)
        with other:  # another writer commits while the reads' transaction is open
            other.session.get_one(Clinic, world.birch_id).name = "Birch Skin"
            other.commit()
        uow.start_writes()
        uow.session.add(Clinic(name=f"Annexe of {clinic.name}"))
        uow.commit()
    assert clinic.name == "Alder Clinic"
    by_name = select(Clinic.id).where(Clinic.name == bindparam("name"))
    assert _read(uow, by_name, {"name": "Annexe of Alder Clinic"}) is not None
    assert _read(uow, CLINIC_NAME, {"id": world.birch_id}) == ("Birch Skin",)


def test_writes_after_the_reads_vanish_without_commit_and_need_a_reading_unit(
    app: FastAPI, world: Any
) -> None:
    uow = UnitOfWork(app.state.session_factory)
    with uow.reading():
        uow.session.get_one(Clinic, world.alder_id)
        uow.start_writes()
        uow.session.add(Clinic(name="Never committed"))
        uow.flush()
    by_name = select(Clinic.id).where(Clinic.name == bindparam("name"))
    assert _read(uow, by_name, {"name": "Never committed"}) is None
    with pytest.raises(RuntimeError, match="outside a reading"), uow:
        uow.start_writes()
    # A change made during the reads would be written by a transaction that only read.
    with pytest.raises(RuntimeError, match="changed objects"), uow.reading():
        uow.session.get_one(Clinic, world.alder_id).name = "Changed while reading"
        uow.start_writes()
    assert _read(uow, CLINIC_NAME, {"id": world.alder_id}) == ("Alder Clinic",)


def test_the_reads_before_start_writes_do_not_wait_for_a_writer(app: FastAPI, world: Any) -> None:
    """The reads run while another unit holds the write lock; only the writes wait for it."""
    writer = UnitOfWork(app.state.session_factory)
    steps: list[str] = []
    errors: list[BaseException] = []
    read_done = threading.Event()

    def read_then_write() -> None:
        try:
            uow = UnitOfWork(app.state.session_factory)
            with uow.reading():
                uow.session.get_one(Clinic, world.alder_id)
                steps.append("read")
                read_done.set()
                uow.start_writes()
                uow.session.add(Clinic(name="After the writer"))
                uow.commit()
                steps.append("wrote")
        except BaseException as exc:  # asserted below
            errors.append(exc)

    with writer:
        writer.session.get_one(Clinic, world.birch_id).name = "Birch, being renamed"
        writer.flush()  # holds the SQLite write lock / the PostgreSQL row lock
        thread = threading.Thread(target=read_then_write)
        thread.start()
        assert read_done.wait(30)
        writer.commit()
        steps.append("writer committed")
    thread.join(30)
    assert not thread.is_alive()
    assert errors == []
    assert steps[0] == "read"
    assert set(steps) == {"read", "wrote", "writer committed"}
