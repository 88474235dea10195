"""Engines and sessions, built on demand (never at import)."""

from __future__ import annotations

import threading
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_MS = 5000
READ_ONLY_OPTION = "needlecare_read_only"
WRITE_LOCK_KEY = "needlecare_write_lock"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while one writer writes; NORMAL sync is durable in WAL mode
    # except for the last transactions on power loss (not on process crash).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock at BEGIN: a deferred transaction that reads and then writes can fail
    # with "database is locked" without waiting for busy_timeout. Read-only units of work ask
    # for a deferred BEGIN so they run alongside the writer (WAL).
    read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, pool_size: int = 10, pooled: bool = True) -> Engine:
    """An engine for SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (psycopg 3).

    `pooled=False` opens and closes a connection per use (migrations, one-off commands).
    """
    pool_args: dict[str, Any] = (
        {"pool_size": pool_size, "max_overflow": pool_size} if pooled else {"poolclass": NullPool}
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
        pool_pre_ping=True,
        pool_recycle=1800,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        **pool_args,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (services return them).

    On SQLite, writers also queue on an in-process lock: SQLite has one writer at a time
    anyway, and waiting on a lock is fairer and faster than SQLite's sleep-and-retry.
    """
    info = {WRITE_LOCK_KEY: threading.RLock()} if engine.dialect.name == "sqlite" else {}
    return sessionmaker(engine, expire_on_commit=False, info=info)
