"""Bigger schemathesis run: every operation of /openapi.json as admin, clinician, patient and
anonymous, then the stateful phase (call sequences chained through inferred links) as
clinician and patient, on SQLite and PostgreSQL, with more examples than the test suite.

    .venv/bin/python bench/schemathesis_run.py [--examples 100] [--stateful-examples 100]

It runs tests/security/test_api_fuzz.py with NEEDLECARE_API_FUZZ_* set (the test holds the
harness: checks not_a_server_error and response_schema_conformance, derandomized).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--stateful-examples", type=int, default=100)
    parser.add_argument("--databases", default="sqlite,postgresql")
    options = parser.parse_args()
    env = {
        **os.environ,
        "NEEDLECARE_API_FUZZ_EXAMPLES": str(options.examples),
        "NEEDLECARE_API_FUZZ_STATEFUL_EXAMPLES": str(options.stateful_examples),
        "NEEDLECARE_API_FUZZ_DATABASES": options.databases,
    }
    command = [sys.executable, "-m", "pytest", "tests/security/test_api_fuzz.py", "-q",
               "-n", "2", "-p", "no:cacheprovider"]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
