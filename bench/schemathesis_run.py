"""Bigger schemathesis run: every operation of /openapi.json as admin, clinician, patient and
anonymous, then the stateful phase (call sequences chained through the schema's links and
those schemathesis infers) as admin, clinician and patient, on SQLite and PostgreSQL, with
more examples than the test suite; then how many operations each stateful run reached.

    .venv/bin/python bench/schemathesis_run.py [--examples 100] [--stateful-examples 100]
        [--stateful-steps 20] [--databases sqlite,postgresql]

It runs tests/security/test_api_fuzz.py with NEEDLECARE_API_FUZZ_* set (the test holds the
harness: checks not_a_server_error and response_schema_conformance, derandomized).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--stateful-examples", type=int, default=100)
    parser.add_argument("--stateful-steps", type=int, default=20, help="calls per sequence")
    parser.add_argument("--databases", default="sqlite,postgresql")
    options = parser.parse_args()
    reports = tempfile.mkdtemp(prefix="needlecare-fuzz-")
    env = {
        **os.environ,
        "NEEDLECARE_API_FUZZ_REPORT": reports,
        "NEEDLECARE_API_FUZZ_EXAMPLES": str(options.examples),
        "NEEDLECARE_API_FUZZ_STATEFUL_EXAMPLES": str(options.stateful_examples),
        "NEEDLECARE_API_FUZZ_STATEFUL_STEPS": str(options.stateful_steps),
        "NEEDLECARE_API_FUZZ_DATABASES": options.databases,
    }
    command = [sys.executable, "-m", "pytest", "tests/security/test_api_fuzz.py", "-q",
               "-n", "2", "-p", "no:cacheprovider"]  # fmt: skip
    load, started = os.getloadavg()[0], time.monotonic()
    code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    print(
        f"\n{time.monotonic() - started:.0f} s, load average (1 min) {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print_reach(Path(reports))
    return code


def print_reach(reports: Path) -> None:
    """Per stateful run (each role runs the operations the role matrix lets it call):
    operations called (any answer) and answered 2xx, of all and of those that take an id in
    their path; then per database, the id operations no role got a 2xx from, with each
    role's answers and first refusal."""
    print("\nstateful reach | called | called, id ops | 2xx | 2xx, id ops | restarts")
    runs = [json.loads(path.read_text()) for path in sorted(reports.glob("stateful-*.json"))]
    for run in runs:
        allowed, called, ok = set(run["allowed"]), set(run["called"]), set(run["ok"])
        ids = {label for label in allowed if "{" in label}
        print(
            f"{run['database']} {run['role']} | {len(called & allowed)}/{len(allowed)} | "
            f"{len(called & ids)}/{len(ids)} | {len(ok)}/{len(allowed)} | "
            f"{len(ok & ids)}/{len(ids)} | {run['restarts']}"
        )
        missed = sorted(ids - called)
        if missed:
            print("  id operations not called:", ", ".join(missed))
    for database in sorted({run["database"] for run in runs}):
        mine = [run for run in runs if run["database"] == database]
        ids = {label for label in mine[0]["operations"] if "{" in label}
        answered = set().union(*(set(run["ok"]) for run in mine)) & ids
        print(f"{database}: id operations answered 2xx by some role: {len(answered)}/{len(ids)}")
        for label in sorted(ids - answered):
            print(f"  no 2xx: {label}")
            for run in mine:
                refusal = next(iter(run["refusals"].get(label, {}).values()), "")
                print(f"    {run['role']}: {run['codes'].get(label)} {refusal[:120]}")


if __name__ == "__main__":
    raise SystemExit(main())
