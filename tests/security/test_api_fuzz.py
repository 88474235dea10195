"""Schemathesis over every operation of /openapi.json, as each role: no 500, no response that
breaks its documented schema. Bigger run: bench/schemathesis_run.py (same test, more examples).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("NEEDLECARE_API_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]


def _fuzz_operation(operation: Any, headers: dict[str, str], failures: list[str]) -> int:
    """Run one operation's examples; returns how many calls were made."""
    calls = 0

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as error:  # collect every operation's failure, then report
            if len(failures) < 20:
                failures.append(f"{operation.label}: {str(error)[:600]}")

    run()
    return calls


def _fuzz(app: FastAPI, headers: dict[str, str]) -> tuple[int, int, list[str]]:
    """(operations, calls, failures) for one identity."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    calls = operations = 0
    for result in schema.get_all_operations():
        operations += 1
        calls += _fuzz_operation(result.ok(), headers, failures)
    return operations, calls, failures


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", ["admin", "clinician", "patient", "anonymous"])
def test_no_500_and_no_schema_violation(app: FastAPI, world: Any, role: str) -> None:
    person = {"admin": "alice", "clinician": "bob", "patient": "pat"}.get(role)
    headers = world.people[person].headers if person else {}
    operations, calls, failures = _fuzz(app, headers)
    assert operations > 20 and calls >= operations
    assert failures == [], "\n".join(failures)
