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

    A reading unit that ends with a few writes (a page view's audit row) calls
    `uow.start_writes()` once its reads are done, then writes and commits: on SQLite only
    those writes wait for and hold the write lock (see `start_writes`).
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._lock: SqliteWriteLock | None = None
        self._read_only = False
        self._snapshot = False

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

    def reading(self, *, snapshot: bool = False) -> UnitOfWork:
        """The same unit of work, read-only: for use cases that never write.

        `snapshot=True`: every read of the unit sees the database as of its first read (a
        long export read in several statements). SQLite's deferred read transaction already
        does; PostgreSQL's READ COMMITTED would give each statement a newer view, so the unit
        asks for REPEATABLE READ there."""
        self._read_only = True
        self._snapshot = snapshot
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
                options: dict[str, object] = {READ_ONLY_OPTION: True}
                if self._snapshot and self.dialect_name == "postgresql":
                    options["isolation_level"] = "REPEATABLE READ"
                self._session.connection(execution_options=options)
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
        session, self._session = self._session, None
        if session is None:  # start_writes() failed to take the lock: nothing is open
            self._release()
            return
        try:
            # close() rolls back what was not committed and detaches the objects without
            # expiring them (rollback() would expire them), so callers can still read them.
            session.close()
        finally:
            self._release()

    def _release(self) -> None:
        self._read_only = self._snapshot = False
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()

    def start_writes(self) -> None:
        """End the reads of a `reading()` unit; what follows may write, and commit.

        On SQLite the reads' transaction ends (it wrote nothing) and the writes run in a
        transaction of their own, begun under the write lock with BEGIN IMMEDIATE: a deferred
        transaction that read and then writes fails with SQLITE_BUSY_SNAPSHOT whenever
        another writer committed since its reads began, and the lock waits only for the
        writes. The objects read stay readable (as after the unit) but are detached: load
        anything else through `uow.session`. The reads and the writes are then not one
        snapshot, so only writes that stay right whatever changed in between belong here (an
        audit row of what was read, a "read" mark of what was shown). On PostgreSQL the same
        transaction goes on.
        """
        session = self.session
        if not self._read_only:
            raise RuntimeError("start_writes() outside a reading() unit of work")
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a reading unit of work changed objects before start_writes()")
        self._read_only = False
        info = self._session_factory.kw.get("info") or {}
        lock: SqliteWriteLock | None = info.get(WRITE_LOCK_KEY)
        if lock is None:  # PostgreSQL
            return
        self._session = None
        # close() detaches the objects read without expiring them (rollback() would expire
        # them); the reads' transaction wrote nothing, so nothing is lost.
        session.close()
        lock.acquire()
        self._lock = lock
        self._session = self._session_factory()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
