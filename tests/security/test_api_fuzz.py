"""Schemathesis over every operation of /openapi.json, as each role: no 500, no response that
breaks its documented schema; then its stateful phase (sequences of calls chained through the
links schemathesis infers: a created patient's id into its check-ins, ...), with the same
checks. Both on SQLite and PostgreSQL. Bigger run: bench/schemathesis_run.py (same tests,
more examples).
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

# Examples per operation and identity. Both databases in CI (PostgreSQL's NUL and range
# errors were 500s SQLite never showed); PostgreSQL takes fewer examples to keep the suite's
# time (every operation is still called as every role), the bench run takes many more.
_EXAMPLES = os.environ.get("NEEDLECARE_API_FUZZ_EXAMPLES")
EXAMPLES = {
    "sqlite": int(_EXAMPLES or "8"),
    "postgresql": int(_EXAMPLES or "4"),
}
STATEFUL_EXAMPLES = int(os.environ.get("NEEDLECARE_API_FUZZ_STATEFUL_EXAMPLES", "6"))
STATEFUL_STEPS = 10
# Distinct operations a stateful run must reach (6 sequences reach 28-31 of 75 here): it
# proves the links were found and followed, not just that one call was made.
STATEFUL_MIN_OPERATIONS = 15
DATABASES = os.environ.get("NEEDLECARE_API_FUZZ_DATABASES", "sqlite,postgresql").split(",")
CHECKS = [not_a_server_error, response_schema_conformance]


def _fuzz_operation(
    operation: Any, headers: dict[str, str], failures: list[str], examples: int
) -> int:
    """Run one operation's examples; returns how many calls were made."""
    calls = 0

    @settings(
        max_examples=examples,
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


def _fuzz(app: FastAPI, headers: dict[str, str], examples: int) -> tuple[int, int, list[str]]:
    """(operations, calls, failures) for one identity."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    calls = operations = 0
    for result in schema.get_all_operations():
        operations += 1
        calls += _fuzz_operation(result.ok(), headers, failures, examples)
    return operations, calls, failures


def _headers(world: Any, role: str) -> dict[str, str]:
    person = {"admin": "alice", "clinician": "bob", "patient": "pat"}.get(role)
    return dict(world.people[person].headers) if person else {}


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.parametrize("role", ["admin", "clinician", "patient", "anonymous"])
def test_no_500_and_no_schema_violation(app: FastAPI, world: Any, role: str, db_kind: str) -> None:
    operations, calls, failures = _fuzz(app, _headers(world, role), EXAMPLES[db_kind])
    assert operations > 20 and calls >= operations
    assert failures == [], "\n".join(failures)


def _stateful(app: FastAPI, headers: dict[str, str]) -> tuple[set[str], list[str]]:
    """(operations called, failures) of the stateful phase for one identity."""
    # Without the calls that end the caller's own credentials (revoking its one token,
    # deleting its account): after them a sequence would only collect 401s.
    schema = (
        schemathesis.openapi.from_asgi("/openapi.json", app)
        .exclude(method="DELETE", path="/api/v1/auth/tokens/{token_id}")
        .exclude(method="POST", path="/api/v1/me/delete")
    )
    failures: list[str] = []
    called: set[str] = set()

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            # The identity's own token, over any Authorization the generator made up.
            case.headers = {**(case.headers or {}), **headers}

        def validate_response(self, response: Any, case: Any, *_: Any, **__: Any) -> None:
            called.add(case.operation.label)
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as error:  # collect, then report every sequence's failure
                if len(failures) < 20:
                    failures.append(f"{case.operation.label}: {str(error)[:600]}")

    Machine.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    return called, failures


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.parametrize("role", ["clinician", "patient"])
def test_stateful_sequences_give_no_500_and_no_schema_violation(
    app: FastAPI, world: Any, role: str
) -> None:
    """The roles that create what later calls use (patients, treatments, check-ins, alerts,
    messages); the admin and anonymous sweeps are the stateless test's."""
    called, failures = _stateful(app, _headers(world, role))
    assert len(called) >= STATEFUL_MIN_OPERATIONS, sorted(called)  # links found and followed
    assert failures == [], "\n".join(failures)
