"""Schemathesis over every operation of /openapi.json, as each role: no 500, no response that
breaks its documented schema; then its stateful phase (sequences of calls chained through the
links schemathesis infers: a created patient's id into its check-ins, ...), with the same
checks. Both on SQLite and PostgreSQL. Bigger run: bench/schemathesis_run.py (same tests,
more examples).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
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
# Distinct operations a stateful run must reach: it proves the links were found and
# followed, not just that one call was made (the bench's 100 sequences reach far more).
STATEFUL_MIN_OPERATIONS = 15
# Where the bench wants each stateful run's reach (operations called, and answered 2xx).
REPORT_DIR = os.environ.get("NEEDLECARE_API_FUZZ_REPORT")
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


def _stateful(app: FastAPI, headers: dict[str, str]) -> tuple[dict[str, set[int]], list[str]]:
    """(status codes by operation called, failures) of the stateful phase for one identity."""
    # Without the calls that end the caller's own credentials (revoking its one token,
    # deleting its account): after them a sequence would only collect 401s. Without the
    # rate-limited ones too (signing up, changing one's password: the 11th answers 429), as
    # a sequence Hypothesis replays would take another path, which it reports as flaky data
    # generation; the stateless test calls all four as every identity.
    schema = (
        schemathesis.openapi.from_asgi("/openapi.json", app)
        .exclude(method="DELETE", path="/api/v1/auth/tokens/{token_id}")
        .exclude(method="POST", path="/api/v1/me/delete")
        .exclude(method="POST", path="/api/v1/register")
        .exclude(method="POST", path="/api/v1/me/password")
    )

    failures: list[str] = []
    called: dict[str, set[int]] = {}

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            # The identity's own token, over any Authorization the generator made up.
            case.headers = {**(case.headers or {}), **headers}

        def validate_response(self, response: Any, case: Any, *_: Any, **__: Any) -> None:
            called.setdefault(case.operation.label, set()).add(response.status_code)
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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_schema_links_every_operation_that_takes_an_id(app: FastAPI) -> None:
    """Each operation with an id in its path is the target of a link that gives all its ids
    (needlecare.web.api.links), so a stateful run can call it with ids that exist."""
    spec = app.openapi()
    complete: set[str] = set()
    for item in spec["paths"].values():
        for operation in item.values():
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    complete.add(link["operationId"])
    takes_ids = {
        operation["operationId"]
        for path, item in spec["paths"].items()
        for operation in item.values()
        if "{" in path
    }
    assert takes_ids and takes_ids <= complete, sorted(takes_ids - complete)


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.parametrize("role", ["admin", "clinician", "patient"])
def test_stateful_sequences_give_no_500_and_no_schema_violation(
    app: FastAPI, world: Any, role: str, db_kind: str
) -> None:
    """Every identity that holds a login (anonymous calls end at 401 after one step: the
    stateless test's); links carry a created patient's, treatment's, check-in's, photo's ...
    ids into the calls that take them."""
    called, failures = _stateful(app, _headers(world, role))
    if REPORT_DIR:
        ok = sorted(label for label, codes in called.items() if any(200 <= c < 300 for c in codes))
        paths = app.openapi()["paths"]
        operations = sorted(f"{m.upper()} {path}" for path, item in paths.items() for m in item)
        report = {"role": role, "database": db_kind, "operations": operations}
        report |= {"called": sorted(called), "ok": ok}
        Path(REPORT_DIR, f"stateful-{db_kind}-{role}.json").write_text(json.dumps(report))
    assert len(called) >= STATEFUL_MIN_OPERATIONS, sorted(called)  # links found and followed
    assert failures == [], "\n".join(failures)
