"""Lists per second: NeedleCare's ingredient checker vs the `on-the-list` package, like for like.

Two comparisons, each between whole processes (interpreter start-up, imports and data loading
included) over the same lists:

1. Batch: one process checks every list of the corpus, repeated `--repeat` times so that
   start-up does not dominate. NeedleCare: `needlecare ingredients --jsonl --file F` (one JSON
   line per list). on-the-list: its public Python API in one process,
   `on_the_list.analyse.analyse(ingredients_text=..., register=register.load(None))` with the
   register loaded once, and `report.render_json` for each list (its own `--format json`
   output), one line per list.
2. One-shot: one process per list on the first `--sample` lists, `needlecare ingredients
   --json` vs `on-the-list --ingredients FILE --format json`, the two tools alternated list by
   list (a shared machine's load drifts; alternating puts the drift on both).

Each measurement runs `--runs` times after a warm-up; the median is reported in wall time and
in CPU time of the child processes (user + sys; steadier when the machine is shared).

Both tools run with their bytecode caches, as installed packages do (pip compiles on-the-list's
modules at install; NeedleCare's editable install writes its own on first import): the
children's environment drops PYTHONDONTWRITEBYTECODE, which some shells set and which would
make every NeedleCare process compile its modules from source while on-the-list's are cached.

    .venv/bin/python bench/ingredients_throughput.py [--runs 3] [--repeat 20] [--sample 20]
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
# Children run with bytecode caches (see the docstring); the warm-up run writes NeedleCare's.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# on-the-list in batch through its public API: one process, the register loaded once.
ON_THE_LIST_BATCH = """
import sys
from on_the_list import register
from on_the_list.analyse import analyse
from on_the_list.report import render_json
loaded = register.load(None)
out = sys.stdout
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        report = analyse(ingredients_text=line.rstrip("\\n"), register=loaded)
        out.write(render_json(report).replace("\\n", " ") + "\\n")
"""


def timed(commands: list[list[str]], stdin_files: list[Path | None]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys of the child processes) for the commands.

    Exit statuses are not checked: on-the-list exits 1 when it reports a finding, NeedleCare 2
    for a text that is not an ingredient list; both still did the whole job."""
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
                env=ENV,
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


def interleaved(
    runs: int,
    ours: list[tuple[list[str], Path | None]],
    theirs: list[tuple[list[str], Path | None]],
) -> tuple[tuple[float, float], tuple[float, float]]:
    """One-shot runs of both tools alternated list by list, so that a change in the machine's
    load (other people's test suites) falls on both alike; median over `runs` of the totals."""
    timed([ours[0][0]], [ours[0][1]])  # warm-up
    timed([theirs[0][0]], [theirs[0][1]])
    totals: list[tuple[float, float, float, float]] = []
    for _ in range(runs):
        sums = [0.0, 0.0, 0.0, 0.0]
        for (our_command, our_stdin), (their_command, their_stdin) in zip(
            ours, theirs, strict=True
        ):
            wall, cpu = timed([our_command], [our_stdin])
            sums[0] += wall
            sums[1] += cpu
            wall, cpu = timed([their_command], [their_stdin])
            sums[2] += wall
            sums[3] += cpu
        totals.append((sums[0], sums[1], sums[2], sums[3]))
    medians = [statistics.median(t[i] for t in totals) for i in range(4)]
    return (medians[0], medians[1]), (medians[2], medians[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20, help="corpus copies in the batch runs")
    parser.add_argument("--sample", type=int, default=20, help="lists for the one-shot runs")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    lists = [line for line in args.corpus.read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        batch_file = Path(tmp) / "batch.txt"
        batch_file.write_text("\n".join(lists * args.repeat) + "\n", "utf-8")
        total = len(lists) * args.repeat
        files = []
        for index, text in enumerate(lists[: args.sample]):
            path = Path(tmp) / f"label{index}.txt"
            path.write_text(text + "\n", "utf-8")
            files.append(path)
        needlecare = str(BIN / "needlecare")
        ours_batch = median_of(
            args.runs, [[needlecare, "ingredients", "--jsonl", "--file", str(batch_file)]], [None]
        )
        theirs_batch = median_of(
            args.runs, [[str(BIN / "python"), "-c", ON_THE_LIST_BATCH, str(batch_file)]], [None]
        )
        ours_each, theirs_each = interleaved(
            args.runs,
            [([needlecare, "ingredients", "--json"], f) for f in files],
            [
                ([str(BIN / "on-the-list"), "--ingredients", str(f), "--format", "json"], None)
                for f in files
            ],
        )
    rows = [
        ("batch: needlecare ingredients --jsonl --file (1 process)", total, ours_batch),
        ("batch: on-the-list analyse() API, register loaded once (1 process)", total, theirs_batch),
        ("one-shot: needlecare ingredients --json (1 process per list)", len(files), ours_each),
        ("one-shot: on-the-list --format json (1 process per list)", len(files), theirs_each),
    ]
    print(
        f"corpus: {args.corpus} ({len(lists)} lists, x{args.repeat} in batch), median of"
        f" {args.runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'':68} {'lists':>6} {'wall s':>8} {'lists/s':>9} {'cpu s':>8} {'lists/cpu-s':>11}")
    for name, count, (wall, cpu) in rows:
        print(
            f"{name:68} {count:6d} {wall:8.2f} {count / wall:9.1f} {cpu:8.2f} {count / cpu:11.1f}"
        )
    for label, index in (("wall", 0), ("cpu", 1)):
        batch = theirs_batch[index] / ours_batch[index]
        each = theirs_each[index] / ours_each[index]
        print(
            f"{label} time: batch throughput needlecare/on-the-list {batch:.2f}x (goal 10x);"
            f" one-shot {each:.2f}x (goal >= 1x)"
        )


if __name__ == "__main__":
    main()
