"""Engines and sessions, built on demand (never at import)."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_MS = 5000
READ_ONLY_OPTION = "needlecare_read_only"
WRITE_LOCK_KEY = "needlecare_write_lock"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while one writer writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk (WAL fsynced) before it is acknowledged, so a check-in that
    # was answered 201 survives a power cut or OS crash; NORMAL may lose the last ones.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA wal_autocheckpoint=200")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Take the write lock at BEGIN: a deferred transaction that reads and then writes can fail
    # with "database is locked" without waiting for busy_timeout. Read-only units of work ask
    # for a deferred BEGIN so they run alongside the writer (WAL). SQLAlchemy's documented
    # recipe for pysqlite ("Serializable isolation / Savepoints / Transactional DDL").
    options = conn.get_execution_options()
    conn.exec_driver_sql("BEGIN" if options.get(READ_ONLY_OPTION) else "BEGIN IMMEDIATE")


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, pool_size: int = 10, pooled: bool = True) -> Engine:
    """An engine for SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (psycopg 3).

    `pooled=False` opens and closes a connection per use (migrations, one-off commands).
    """
    pool_args: dict[str, Any] = (
        {"pool_size": pool_size, "max_overflow": pool_size, "pool_use_lifo": True}
        if pooled
        else {"poolclass": NullPool}
    )
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
            **pool_args,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling is switched off so BEGIN IMMEDIATE is ours.
        event.listen(
            engine, "connect", lambda dbapi_conn, _r: setattr(dbapi_conn, "isolation_level", None)
        )
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        # No pre-ping (a round trip per checkout): a connection the server dropped fails its
        # request with a 503 instead (web.errors), and SQLAlchemy then empties the pool, so
        # the client's retry (same Idempotency-Key) gets a live connection.
        pool_pre_ping=False,
        pool_recycle=1800,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        **pool_args,
    )


class SqliteWriteLock:
    """One writer at a time across the threads and processes sharing an SQLite file.

    SQLite allows one writer anyway; a writer that finds the file locked sleeps and retries
    (1, 2, 5, 10 ms ...), which under load turns into long stalls and unfair queues. Writers
    here queue instead: on a thread lock within the process, then on an flock(2) of a file
    next to the database, which the kernel hands over the moment it is released. Processes
    that don't take it (the sqlite3 shell) still get SQLite's own busy handling.
    """

    def __init__(self, lock_path: Path | None) -> None:
        self._thread_lock = threading.RLock()
        self._depth = 0  # re-entered by the holding thread: the file lock is taken once
        self._lock_path = lock_path
        self._fd: int | None = None

    def acquire(self) -> None:
        self._thread_lock.acquire()
        if self._depth == 0 and self._lock_path is not None:
            try:
                if self._fd is None:
                    self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (services return them).

    On SQLite, write units of work also queue on a `SqliteWriteLock` (see there).
    """
    info: dict[str, Any] = {}
    if engine.dialect.name == "sqlite":
        path = _sqlite_file(engine)
        lock_path = path.with_name(path.name + ".writelock") if path is not None else None
        info[WRITE_LOCK_KEY] = SqliteWriteLock(lock_path)
    return sessionmaker(engine, expire_on_commit=False, info=info)
