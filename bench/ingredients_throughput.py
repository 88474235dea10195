"""Lists per second: `needlecare ingredients --jsonl` vs the `on-the-list` package, whole processes.

Both tools read the same lists from bench/corpus/labels.txt. NeedleCare reads the whole corpus
in one process (`--jsonl`); on-the-list has no batch mode, so it runs once per list
(`on-the-list --ingredients FILE --format json`). For a like-for-like start-up comparison the
script also times NeedleCare once per list on the same sample. Each measurement is repeated
(`--runs`, default 3) and the median is reported, hyperfine style, in wall time and in CPU
time of the child processes (stable when the machine is loaded).

    .venv/bin/python bench/ingredients_throughput.py [--runs 3] [--sample 40]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "corpus" / "labels.txt"
BIN = ROOT / ".venv" / "bin"
# What `needlecare ingredients` costs once needlecare.cli.main dispatches to the argparse path.
FAST_PATH = (
    "import sys; from needlecare.cli.ingredients import main_fast; "
    "sys.exit(main_fast(sys.argv[1:]))"
)


def timed(commands: list[list[str]], stdin_files: list[Path | None]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys of the child processes) for the commands."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for command, stdin in zip(commands, stdin_files, strict=True):
        with open(stdin, "rb") if stdin else open("/dev/null", "rb") as handle:
            subprocess.run(
                command,
                stdin=handle,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_of(
    runs: int, commands: list[list[str]], stdin: list[Path | None]
) -> tuple[float, float]:
    timed(commands[:1], stdin[:1])  # warm-up: page cache, .pyc files
    results = [timed(commands, stdin) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sample", type=int, default=40, help="lists for the one-process-per-list runs"
    )
    args = parser.parse_args()
    lists = [line for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for index, text in enumerate(lists[: args.sample]):
            path = Path(tmp) / f"label{index}.txt"
            path.write_text(text + "\n", "utf-8")
            files.append(path)
        needlecare = str(BIN / "needlecare")
        batch = median_of(
            args.runs, [[needlecare, "ingredients", "--jsonl", "--file", str(CORPUS)]], [None]
        )
        ours_each = median_of(
            args.runs, [[needlecare, "ingredients", "--json"]] * len(files), list(files)
        )
        fast_each = median_of(
            args.runs, [[str(BIN / "python"), "-c", FAST_PATH, "--json"]] * len(files), list(files)
        )
        theirs = median_of(
            args.runs,
            [
                [str(BIN / "on-the-list"), "--ingredients", str(f), "--format", "json"]
                for f in files
            ],
            [None] * len(files),
        )
    rows = [
        ("needlecare ingredients --jsonl (1 process)", len(lists), batch),
        ("needlecare ingredients --json (1 process per list)", len(files), ours_each),
        ("  same, argparse fast path main_fast (1 process per list)", len(files), fast_each),
        ("on-the-list --ingredients F --format json (1 per list)", len(files), theirs),
    ]
    print(
        f"corpus: {CORPUS.relative_to(ROOT)} ({len(lists)} lists), median of {args.runs} runs;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'':58} {'lists':>5} {'wall s':>8} {'lists/s':>9} {'cpu s':>8} {'lists/cpu-s':>11}")
    for name, count, (wall, cpu) in rows:
        print(
            f"{name:58} {count:5d} {wall:8.2f} {count / wall:9.1f} {cpu:8.2f} {count / cpu:11.1f}"
        )
    for label, index in (("wall", 0), ("cpu", 1)):
        ratio = (len(lists) / batch[index]) / (len(files) / theirs[index])
        print(
            f"throughput ratio ({label} time), needlecare --jsonl vs on-the-list: {ratio:.1f}x"
            " (goal: 5x)"
        )


if __name__ == "__main__":
    main()
