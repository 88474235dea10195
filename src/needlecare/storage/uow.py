"""Unit of work: one transaction per use case; only services commit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Executable, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

from needlecare.storage import driver
from needlecare.storage.engine import (
    READ_ONLY_OPTION,
    WRITE_LOCK_KEY,
    SqliteWriteLock,
    autocommit_engine,
)

_BEGIN_IMMEDIATE = text("BEGIN IMMEDIATE")


class PlainTransaction:
    """Statements in one transaction on a driver connection (`UnitOfWork.writing`)."""

    def __init__(self, engine: Engine, connection: PoolProxiedConnection) -> None:
        self._engine = engine
        self._connection = connection

    @property
    def dialect_name(self) -> str:
        return str(self._engine.dialect.name)

    def execute(self, statement: Executable, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return driver.execute(self._engine, self._connection, statement, params)

    def commit(self) -> None:
        self._connection.commit()


# A caller's transaction: an ORM unit, a Core one, or a plain one (`UnitOfWork.writing`).
Executor = Session | Connection | PlainTransaction


def execute_in(executor: Executor, statement: Executable, params: Mapping[str, Any]) -> list[Any]:
    """Run a statement in the caller's transaction, whichever kind it is; its rows, if any."""
    if isinstance(executor, PlainTransaction):
        return executor.execute(statement, params)
    result = executor.execute(statement, params)
    if isinstance(result, CursorResult) and not result.returns_rows:
        return []  # a write without RETURNING
    return list(result.all())


class UnitOfWork:
    """`with uow:` opens a session; leaving without `commit()` rolls everything back.

    `uow.reading()` instead of `uow` opens a read-only unit (no write lock on SQLite).
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._lock: SqliteWriteLock | None = None
        self._read_only = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `with uow:`")
        return self._session

    @property
    def dialect_name(self) -> str:
        """The database's dialect, for a statement only one of them has (PostgreSQL's
        data-modifying CTEs)."""
        return str(self._session_factory.kw["bind"].dialect.name)

    @property
    def database_url(self) -> str:
        return str(self._session_factory.kw["bind"].url)

    def reading(self) -> UnitOfWork:
        """The same unit of work, read-only: for lookups that never write."""
        self._read_only = True
        return self

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        lock = None if self._read_only else self._write_lock()
        if lock is not None:
            lock.acquire()
        self._lock = lock
        try:
            self._session = self._session_factory()
            if self._read_only:
                self._session.connection(execution_options={READ_ONLY_OPTION: True})
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        self._session = None
        try:
            # close() rolls back what was not committed and detaches the objects without
            # expiring them (rollback() would expire them), so callers can still read them.
            session.close()
        finally:
            self._release()

    def _release(self) -> None:
        self._read_only = False
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()

    def lookup(self, statement: Executable, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Run one read-only statement and return its single row (or None), outside any unit:
        a single statement sees a consistent snapshot by itself, so it needs no transaction
        (nor a Session). For hot lookups such as a bearer token."""
        rows = self.select(statement, params)
        if len(rows) > 1:
            raise RuntimeError("lookup() found more than one row")
        return rows[0] if rows else None

    def select(self, statement: Executable, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """`lookup` for every row of a Core statement (no ORM entities: plain column tuples).
        Built-once statements only: they run on the driver's cursor (`storage.driver`)."""
        if self._session is not None:
            raise RuntimeError("select() inside `with uow:`; use uow.session")
        with self._driver_connection() as connection:
            return driver.execute(self._engine, connection, statement, params)

    def execute_alone(
        self, statement: Executable, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """Run one write statement as its own transaction (atomic by itself: no BEGIN and
        COMMIT round trips on PostgreSQL; under the write lock on SQLite) and return the rows
        it returns, if any. Built-once statements only, like `select`."""
        if self._session is not None:
            raise RuntimeError("execute_alone() inside `with uow:`; use uow.session")
        with self._write_locked(), self._driver_connection() as connection:
            return driver.execute(self._engine, connection, statement, params)

    @contextmanager
    def writing(self) -> Iterator[PlainTransaction]:
        """A short write transaction without a Session, for the hot paths' built-once
        statements, on the driver's connection (`storage.driver`; the ORM unit costs several
        times their SQL): under the SQLite write lock like `with uow:`, and rolled back unless
        the service calls `commit()`."""
        if self._session is not None:
            raise RuntimeError("writing() inside `with uow:`")
        with self._write_locked():
            connection = self._engine.raw_connection()
            try:
                transaction = PlainTransaction(self._engine, connection)
                if self.dialect_name == "sqlite":  # the driver's own transactions are off
                    transaction.execute(_BEGIN_IMMEDIATE, {})
                yield transaction
            finally:
                try:
                    connection.rollback()  # nothing left if it committed
                finally:
                    connection.close()

    @property
    def _engine(self) -> Engine:
        engine: Engine = self._session_factory.kw["bind"]
        return engine

    def _write_lock(self) -> SqliteWriteLock | None:
        info = self._session_factory.kw.get("info") or {}
        lock: SqliteWriteLock | None = info.get(WRITE_LOCK_KEY)
        return lock

    @contextmanager
    def _write_locked(self) -> Iterator[None]:
        lock = self._write_lock()
        if lock is None:
            yield
            return
        lock.acquire()
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def _driver_connection(self) -> Iterator[PoolProxiedConnection]:
        """A pooled driver connection that commits each statement by itself: SQLite's are all
        so (their transactions are begun explicitly); PostgreSQL's come from the engine's
        autocommit twin, so no connection switches mode per statement."""
        engine = self._engine
        if engine.dialect.name != "sqlite":
            engine = autocommit_engine(engine) or engine
        connection = engine.raw_connection()
        driver_connection: Any = connection.driver_connection
        switched = engine.dialect.name != "sqlite" and not driver_connection.autocommit
        if switched:  # an engine made elsewhere, without the twin
            driver_connection.autocommit = True
        try:
            yield connection
        finally:
            if switched:
                driver_connection.autocommit = False
            connection.close()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
