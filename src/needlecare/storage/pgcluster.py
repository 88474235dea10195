"""A throwaway local PostgreSQL cluster (tests and benchmarks; never used by the app).

initdb refuses to run as root, so as root the tools run as the `postgres` user (runuser).
The socket lives in the cluster's own directory and the port is free, so several clusters
(one per pytest-xdist worker) run side by side.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def find_pg_bin() -> Path:
    for directory in PG_BIN_DIRS:
        if (directory / "initdb").exists():
            return directory
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("PostgreSQL server binaries not found (apt-get install postgresql)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class PgCluster:
    directory: Path
    port: int
    bin_dir: Path

    def url(self, database: str = "postgres") -> str:
        user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            _as_postgres(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.directory / "data"),
                    "-m",
                    "immediate",
                    "stop",
                ]
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster(
    prefix: str = "needlecare-pg-", settings: tuple[str, ...] = ("fsync=off",)
) -> PgCluster:
    """initdb + pg_ctl start on a free loopback port; about a second. The default skips fsync
    (throwaway test data); pass `settings=()` to measure a durable server."""
    bin_dir = find_pg_bin()
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    data = directory / "data"
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    run = {"check": True, "capture_output": True}
    subprocess.run(  # noqa: S603
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres"),
                "--no-sync",
                "-E",
                "UTF8",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    last_error = b""
    for _attempt in range(3):
        port = free_port()
        options = " ".join(
            [
                f"-p {port}",
                f"-k {directory}",
                "-c listen_addresses=127.0.0.1",
                *(f"-c {s}" for s in settings),
            ]
        )
        result = subprocess.run(  # noqa: S603
            _as_postgres(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(directory / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=False,
            capture_output=True,
        )
        if result.returncode == 0:
            return PgCluster(directory, port, bin_dir)
        last_error = result.stderr + (directory / "log").read_bytes()
    shutil.rmtree(directory, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {last_error.decode(errors='replace')[-2000:]}")
