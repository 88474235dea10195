"""`needlecare serve --workers N`: a listening socket per worker, connections spread over all
of them, a dead worker replaced, all stopped on SIGTERM (a real server on loopback, SQLite)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from needlecare.storage.pgcluster import free_port

NEEDLECARE = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "needlecare")
LISTEN, ESTABLISHED = "0A", "01"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _sockets_by_pid(pids: list[int], port: int, state: str) -> dict[int, int]:
    """How many TCP sockets on local `port` in `state` each of `pids` holds (from /proc)."""
    inodes = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes[fields[9]] = 0
    counts = {}
    for pid in pids:
        held = 0
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held += 1
        counts[pid] = held
    return counts


def _workers(server: subprocess.Popen[bytes], port: int) -> list[int]:
    """The server's children that listen on the port."""
    counts = _sockets_by_pid(_children(server.pid), port, LISTEN)
    return sorted(pid for pid, held in counts.items() if held)


def _wait_for(predicate: object, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = {**os.environ, "NEEDLECARE_DATA_DIR": str(tmp_path)}
    env.pop("NEEDLECARE_DATABASE_URL", None)
    process = subprocess.Popen(
        [NEEDLECARE, "serve", "--port", str(port), "--workers", "2", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(
            lambda: len(_workers(process, port)) == 2 or process.poll() is not None, "2 workers"
        )
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            for pid in _children(process.pid):
                os.kill(pid, signal.SIGKILL)
            process.wait()


def _health(port: int) -> int:
    return httpx.get(f"http://127.0.0.1:{port}/health", timeout=30).status_code


def test_connections_spread_over_every_worker(server: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = server
    workers = _workers(process, port)
    # Keep-alive clients connecting together, as in the load test: with one shared socket, one
    # worker accepts them all. With a socket each, all on one: a chance of 2 in 2**24.
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(24)]
    try:
        for connection in connections:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        for connection in connections:
            assert connection.recv(1024).startswith(b"HTTP/1.1 200")
        held = _sockets_by_pid(workers, port, ESTABLISHED)
        assert sum(held.values()) == 24
        assert all(count > 0 for count in held.values()), held
    finally:
        for connection in connections:
            connection.close()


def test_a_dead_worker_is_replaced_and_sigterm_stops_all(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    first, second = _workers(process, port)
    os.kill(first, signal.SIGKILL)
    _wait_for(
        lambda: len(_workers(process, port)) == 2 and first not in _workers(process, port),
        "a new worker",
    )
    assert second in _workers(process, port)
    assert _health(port) == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    assert _children(process.pid) == []
