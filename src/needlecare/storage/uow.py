"""Unit of work: one transaction per use case; only services commit."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from needlecare.storage.engine import READ_ONLY_OPTION, WRITE_LOCK_KEY, SqliteWriteLock


class UnitOfWork:
    """`with uow:` opens a session (`uow.session`); leaving without `uow.commit()` rolls
    everything back.

    `with uow.reading():` is the same unit for use cases that never write. On SQLite it takes
    neither the write lock nor BEGIN IMMEDIATE, so reads run alongside the one writer (WAL)
    instead of queueing behind it; on PostgreSQL it changes nothing.
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
        return str(self._session_factory.kw["bind"].dialect.name)

    @property
    def database_url(self) -> str:
        return str(self._session_factory.kw["bind"].url)

    def reading(self) -> UnitOfWork:
        """The same unit of work, read-only: for use cases that never write."""
        self._read_only = True
        return self

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        info = self._session_factory.kw.get("info") or {}
        lock: SqliteWriteLock | None = None if self._read_only else info.get(WRITE_LOCK_KEY)
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

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
