"""What synchronous=FULL costs SQLite on the check-in path: one short write transaction per
check-in (an INSERT of a check-in-sized row and a commit), through the app's own engine,
against the same with synchronous=NORMAL (the setting before issue 18).

    .venv/bin/python bench/sqlite_sync_cost.py [--commits 500]

Reports commits per second and the mean/p99 commit time for each setting, on the data dir's
file system (a temp dir next to the repository, not tmpfs: fsync must reach a disk).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from needlecare.storage.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
ROW = "x" * 1500  # about a check-in with its stored triage result


def run(mode: str, commits: int, folder: Path) -> list[float]:
    engine = make_engine(f"sqlite:///{folder / f'{mode}.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE c (id INTEGER PRIMARY KEY, body TEXT)"))
        times = []
        raw = engine.raw_connection()  # the app's pragmas, then this run's synchronous
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA synchronous={mode}")
            for _ in range(commits):
                start = time.perf_counter()
                cursor.execute("INSERT INTO c (body) VALUES (?)", (ROW,))
                raw.commit()
                times.append(time.perf_counter() - start)
        finally:
            raw.close()
        return times
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT, prefix=".sync-bench-") as scratch:
        for mode in ("NORMAL", "FULL", "NORMAL", "FULL"):  # twice, interleaved
            times = run(mode, args.commits, Path(scratch))
            Path(scratch, f"{mode}.db").unlink()
            for suffix in ("-wal", "-shm"):
                Path(scratch, f"{mode}.db{suffix}").unlink(missing_ok=True)
            ordered = sorted(times)
            print(
                f"synchronous={mode:6} {len(times) / sum(times):8.0f} commits/s  "
                f"mean {statistics.mean(times) * 1000:6.2f} ms  "
                f"p99 {ordered[int(0.99 * len(ordered))] * 1000:6.2f} ms",
                flush=True,
            )


if __name__ == "__main__":
    main()
