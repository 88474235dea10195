"""Unit of work: one transaction per use case; only services commit."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session, sessionmaker

from needlecare.storage.engine import (
    READ_ONLY_OPTION,
    SINGLE_STATEMENT_OPTION,
    WRITE_LOCK_KEY,
    SqliteWriteLock,
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
    def embedded(self) -> bool:
        """True for SQLite: statements run in this process, without network round trips."""
        return bool(self._session_factory.kw["bind"].dialect.name == "sqlite")

    def reading(self) -> UnitOfWork:
        """The same unit of work, read-only: for lookups that never write."""
        self._read_only = True
        return self

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        info = self._session_factory.kw.get("info") or {}
        lock = None if self._read_only else info.get(WRITE_LOCK_KEY)
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
        if self._session is not None:
            raise RuntimeError("lookup() inside `with uow:`; use uow.session")
        engine = self._session_factory.kw["bind"]
        with engine.connect() as connection:
            options: dict[str, Any] = {READ_ONLY_OPTION: True, SINGLE_STATEMENT_OPTION: True}
            if engine.dialect.name != "sqlite":  # SQLite: the begin hook skips BEGIN instead
                options["isolation_level"] = "AUTOCOMMIT"  # no BEGIN / ROLLBACK round trips
            row = connection.execution_options(**options).execute(statement, params).one_or_none()
            return None if row is None else tuple(row)

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
