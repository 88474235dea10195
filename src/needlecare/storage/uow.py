"""Unit of work: one transaction per use case; only services commit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.orm import Session, sessionmaker

from needlecare.storage.engine import (
    READ_ONLY_OPTION,
    SINGLE_STATEMENT_OPTION,
    WRITE_LOCK_KEY,
    SqliteWriteLock,
    autocommit_engine,
)


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
        """`lookup` for every row of a Core statement (no ORM entities: plain column tuples)."""
        if self._session is not None:
            raise RuntimeError("select() inside `with uow:`; use uow.session")
        with self._single_statement(read_only=True) as connection:
            return [tuple(row) for row in connection.execute(statement, params)]

    def execute_alone(
        self, statement: Executable, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """Run one write statement as its own transaction (atomic by itself: no BEGIN and
        COMMIT round trips on PostgreSQL; under the write lock on SQLite) and return the rows
        it returns, if any."""
        if self._session is not None:
            raise RuntimeError("execute_alone() inside `with uow:`; use uow.session")
        lock = self._write_lock()
        if lock is not None:
            lock.acquire()
        try:
            with self._single_statement(read_only=False) as connection:
                result = connection.execute(statement, params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            if lock is not None:
                lock.release()

    def _write_lock(self) -> SqliteWriteLock | None:
        info = self._session_factory.kw.get("info") or {}
        lock: SqliteWriteLock | None = info.get(WRITE_LOCK_KEY)
        return lock

    @contextmanager
    def _single_statement(self, *, read_only: bool) -> Iterator[Connection]:
        engine = self._session_factory.kw["bind"]
        options: dict[str, Any] = {READ_ONLY_OPTION: read_only, SINGLE_STATEMENT_OPTION: True}
        if engine.dialect.name != "sqlite":  # SQLite: the begin hook skips BEGIN instead
            twin = autocommit_engine(engine)
            if twin is not None:  # connections that stay in autocommit
                engine = twin
            else:
                options["isolation_level"] = "AUTOCOMMIT"  # no BEGIN / COMMIT round trips
        with engine.connect() as connection:
            yield connection.execution_options(**options)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A Core write transaction without a Session, for the hot paths' INSERTs (the ORM
        unit costs several times their SQL): under the SQLite write lock like `with uow:`,
        and rolled back unless the service calls `connection.commit()`."""
        if self._session is not None:
            raise RuntimeError("writing() inside `with uow:`")
        lock = self._write_lock()
        if lock is not None:
            lock.acquire()
        try:
            with self._session_factory.kw["bind"].connect() as connection:
                yield connection
        finally:
            if lock is not None:
                lock.release()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
