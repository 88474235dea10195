"""SQLite writers queue on `SqliteWriteLock`: one at a time across threads and processes,
re-entrant by the holding thread, and no lock file for an in-memory database."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from needlecare.storage.engine import (
    WRITE_LOCK_KEY,
    SqliteWriteLock,
    make_engine,
    make_session_factory,
)
from needlecare.storage.uow import UnitOfWork

# The read and the write are separate statements with a pause between them: without mutual
# exclusion two writers read the same value and one increment is lost.
_INCREMENTS = """
import sys, time
from sqlalchemy import text
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.storage.uow import UnitOfWork

url, rounds, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
engine = make_engine(url)
uow = UnitOfWork(make_session_factory(engine))
while not __import__("os").path.exists(go):  # start both processes together
    time.sleep(0.001)
for _ in range(rounds):
    with uow:
        n = uow.session.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one()
        time.sleep(0.0005)
        uow.session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})
        uow.commit()
engine.dispose()
"""

# The same read-modify-write on a plain file, guarded by the lock alone (no SQLite locking).
_FILE_INCREMENTS = """
import os, sys, time
from pathlib import Path
from needlecare.storage.engine import SqliteWriteLock

counter, rounds, go = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lock = SqliteWriteLock(Path(str(counter) + ".writelock") if sys.argv[4] == "lock" else None)
while not os.path.exists(go):
    time.sleep(0.001)
for _ in range(rounds):
    lock.acquire()
    try:
        n = int(counter.read_text())
        time.sleep(0.0002)
        counter.write_text(str(n + 1))
    finally:
        lock.release()
"""

# Exit 0 if the file's flock is free (taken and released at once), 1 if another holds it.
_PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(1)
fcntl.flock(fd, fcntl.LOCK_UN)
"""


def _lock_is_free(path: Path) -> bool:
    """Asked from another process: flock(2) locks belong to the open file, not the thread."""
    probe = subprocess.run([sys.executable, "-c", _PROBE, str(path)], timeout=60)
    assert probe.returncode in (0, 1)
    return probe.returncode == 0


@pytest.fixture
def counter_db(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path / 'counter.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield url, engine
    engine.dispose()


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one())


def test_two_processes_lose_no_increment(counter_db: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = counter_db
    rounds = 150
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _INCREMENTS, url, str(rounds), str(go)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    go.touch()
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], errors
    assert not any("database is locked" in e for e in errors)
    assert _count(engine) == 2 * rounds
    assert (tmp_path / "counter.db.writelock").exists()


def _file_increments(tmp_path: Path, rounds: int, mode: str) -> int:
    counter, go = tmp_path / f"counter-{mode}", tmp_path / f"go-{mode}"
    counter.write_text("0")
    command = [sys.executable, "-c", _FILE_INCREMENTS, str(counter), str(rounds), str(go), mode]
    workers = [subprocess.Popen(command) for _ in range(2)]
    go.touch()
    assert [w.wait(120) for w in workers] == [0, 0]
    return int(counter.read_text())


def test_the_file_lock_alone_excludes_another_process(tmp_path: Path) -> None:
    assert _file_increments(tmp_path, 200, "lock") == 400


def test_threads_of_one_process_lose_no_increment(counter_db: tuple[str, Engine]) -> None:
    _url, engine = counter_db
    factory = make_session_factory(engine)
    threads, rounds = 4, 40
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            uow = UnitOfWork(factory)
            for _ in range(rounds):
                with uow:
                    read = text("SELECT n FROM counter WHERE id = 1")
                    n = uow.session.execute(read).scalar_one()
                    write = text("UPDATE counter SET n = :n WHERE id = 1")
                    uow.session.execute(write, {"n": n + 1})
                    uow.commit()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(120)
    assert errors == []
    assert _count(engine) == threads * rounds


def test_the_file_lock_is_released_by_the_outermost_release_only(tmp_path: Path) -> None:
    path = tmp_path / "db.writelock"
    lock = SqliteWriteLock(path)
    lock.acquire()
    assert not _lock_is_free(path)
    lock.acquire()  # the same thread again: no deadlock
    lock.release()
    assert not _lock_is_free(path)  # still held by the outer acquire
    lock.release()
    assert _lock_is_free(path)
    lock.acquire()  # and it can be taken again
    assert not _lock_is_free(path)
    lock.release()
    assert _lock_is_free(path)


def test_another_thread_waits_for_the_holder(tmp_path: Path) -> None:
    lock = SqliteWriteLock(tmp_path / "db.writelock")
    got_it = threading.Event()

    def other() -> None:
        lock.acquire()
        got_it.set()
        lock.release()

    lock.acquire()
    lock.acquire()
    thread = threading.Thread(target=other)
    thread.start()
    assert not got_it.wait(0.2)
    lock.release()
    assert not got_it.wait(0.2)  # the holder is still one level deep
    lock.release()
    assert got_it.wait(30)
    thread.join(30)


def test_write_units_hold_the_file_lock_and_reading_units_do_not(
    counter_db: tuple[str, Engine], tmp_path: Path
) -> None:
    _url, engine = counter_db
    uow = UnitOfWork(make_session_factory(engine))
    lock_file = tmp_path / "counter.db.writelock"
    with uow:
        assert not _lock_is_free(lock_file)
    assert _lock_is_free(lock_file)
    with uow.reading():
        assert _lock_is_free(lock_file)
        assert uow.session.execute(text("SELECT n FROM counter")).scalar_one() == 0
    # A failure inside the unit releases the lock too.
    with pytest.raises(ZeroDivisionError), uow:
        1 / 0  # noqa: B018
    assert _lock_is_free(lock_file)


def test_a_failed_flock_leaves_the_thread_lock_free(tmp_path: Path) -> None:
    lock = SqliteWriteLock(tmp_path / "missing-dir" / "db.writelock")
    with pytest.raises(FileNotFoundError):
        lock.acquire()
    finished = threading.Event()

    def other() -> None:
        with pytest.raises(FileNotFoundError):
            lock.acquire()
        finished.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert finished.wait(30)  # not blocked behind a thread lock left held
    thread.join(30)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_needs_no_lock_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url, pooled=False)
    try:
        factory = make_session_factory(engine)
        lock = factory.kw["info"][WRITE_LOCK_KEY]
        assert isinstance(lock, SqliteWriteLock)
        uow = UnitOfWork(factory)
        with uow:
            uow.session.execute(text("CREATE TABLE t (n INTEGER)"))
            uow.session.execute(text("INSERT INTO t VALUES (1)"))
            assert uow.session.execute(text("SELECT n FROM t")).scalar_one() == 1
            uow.commit()
        with uow:  # the lock was released: a second unit does not deadlock
            pass
    finally:
        engine.dispose()
    assert list(tmp_path.iterdir()) == []


def test_postgresql_units_take_no_sqlite_lock(database_url: str, db_kind: str) -> None:
    engine = make_engine(database_url, pooled=False)
    try:
        info = make_session_factory(engine).kw["info"]
    finally:
        engine.dispose()
    if db_kind == "postgresql":
        assert WRITE_LOCK_KEY not in info
    else:
        assert isinstance(info[WRITE_LOCK_KEY], SqliteWriteLock)
