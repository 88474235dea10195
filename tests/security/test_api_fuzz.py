"""Schemathesis over every operation of /openapi.json, as each role: no 500, no response that
breaks its documented schema; then its stateful phase (sequences of calls chained through the
schema's links: a created patient's id into its check-ins, a listed photo's ids into its
files ...), each role over the operations it may call, from a seeded clinic
(security/fuzz_state.py), with the same checks. Both on SQLite and PostgreSQL. Bigger run:
bench/schemathesis_run.py (same tests, more examples, longer sequences).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from conftest import Person
from needlecare.storage.uow import UnitOfWork
from security.fuzz_state import (
    Identity,
    prefer_seeded_ids,
    prefer_valid_bodies,
    seed_state,
    valid_bodies,
)
from security.test_role_matrix import A_ADMIN, A_CLIN, ACCESS, P1

# Examples per operation and identity. Both databases in CI (PostgreSQL's NUL and range
# errors were 500s SQLite never showed); PostgreSQL takes fewer examples to keep the suite's
# time (every operation is still called as every role), the bench run takes many more.
_EXAMPLES = os.environ.get("NEEDLECARE_API_FUZZ_EXAMPLES")
EXAMPLES = {
    "sqlite": int(_EXAMPLES or "8"),
    "postgresql": int(_EXAMPLES or "4"),
}
STATEFUL_EXAMPLES = int(os.environ.get("NEEDLECARE_API_FUZZ_STATEFUL_EXAMPLES", "6"))
STATEFUL_STEPS = int(os.environ.get("NEEDLECARE_API_FUZZ_STATEFUL_STEPS", "10"))
# Distinct operations a stateful run must reach: it proves the links were found and
# followed, not just that one call was made (the bench's 100 sequences reach far more).
STATEFUL_MIN_OPERATIONS = 15
# The stateful phase follows the schema's own links (needlecare.web.api.links), which give
# every id an operation takes; the ones schemathesis would infer give one id of two (a
# patient's id with a made-up photo id), so most of their calls were 404s.
ONLY_DECLARED_LINKS = SchemathesisConfig.from_dict(
    {"phases": {"stateful": {"inference": {"algorithms": []}}}}
)
# Fresh starts after a replayed sequence drew differently (see `_stateful`).
MAX_RESTARTS = 20
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


MATRIX_ACTOR = {"admin": A_ADMIN, "clinician": A_CLIN, "patient": P1}


def _route(operation: Any) -> tuple[str, str]:
    return operation.method.upper(), operation.path


def _person(world: Any, role: str) -> Person | None:
    name = {"admin": "alice", "clinician": "bob", "patient": "pat"}.get(role)
    return world.people[name] if name else None


def _headers(world: Any, role: str) -> dict[str, str]:
    person = _person(world, role)
    return dict(person.headers) if person else {}


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.parametrize("role", ["admin", "clinician", "patient", "anonymous"])
def test_no_500_and_no_schema_violation(app: FastAPI, world: Any, role: str, db_kind: str) -> None:
    operations, calls, failures = _fuzz(app, _headers(world, role), EXAMPLES[db_kind])
    assert operations > 20 and calls >= operations
    assert failures == [], "\n".join(failures)


@dataclass
class StatefulRun:
    allowed: list[str]  # the operations the role may call (those the run could call)
    called: dict[str, set[int]] = field(default_factory=dict)  # status codes by operation
    refusals: dict[str, dict[int, str]] = field(default_factory=dict)  # first 4xx answers
    failures: list[str] = field(default_factory=list)
    restarts: int = 0


def _stateful(app: FastAPI, identity: Identity, role: str, ids: dict[str, int]) -> StatefulRun:
    """The stateful phase for one identity."""
    # Without the calls that end the caller's account (deleting it): after them a sequence
    # would only collect 401s. Without the rate-limited ones too (signing up, changing one's
    # password: the 11th answers 429), as a sequence Hypothesis replays would take another
    # path; the stateless test calls all three as every identity.
    # Only the operations the role may call (the role matrix's ACCESS; the stateless test
    # calls every one as every role): a refused call gives a sequence nothing to go on.
    schema = (
        schemathesis.openapi.from_asgi("/openapi.json", app, config=ONLY_DECLARED_LINKS)
        .exclude(method="POST", path="/api/v1/me/delete")
        .exclude(method="POST", path="/api/v1/register")
        .exclude(method="POST", path="/api/v1/me/password")
        .exclude(func=lambda ctx: MATRIX_ACTOR[role] not in ACCESS[_route(ctx.operation)])
    )
    prefer_valid_bodies(schema, valid_bodies(identity.person))
    prefer_seeded_ids(schema, ids)
    run = StatefulRun(allowed=sorted(op.ok().label for op in schema.get_all_operations()))
    failures, called, refusals = run.failures, run.called, run.refusals
    sequences = 0

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            # The identity's own token, over any Authorization the generator made up.
            case.headers = {**(case.headers or {}), **identity.headers}

        def teardown(self) -> None:
            nonlocal sequences
            sequences += 1

        def after_call(self, response: Any, case: Any) -> None:
            label = case.operation.label
            identity.after_call(label, case.path_parameters or {}, response.status_code)

        def validate_response(self, response: Any, case: Any, *_: Any, **__: Any) -> None:
            called.setdefault(case.operation.label, set()).add(response.status_code)
            if 400 <= response.status_code < 500:  # why an operation got no 2xx (the bench)
                refused = refusals.setdefault(case.operation.label, {})
                refused.setdefault(
                    response.status_code, response.content[:200].decode(errors="replace")
                )
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as error:  # collect, then report every sequence's failure
                if len(failures) < 20:
                    failures.append(f"{case.operation.label}: {str(error)[:600]}")

    # The server's state outlives a sequence, so a sequence Hypothesis replays can draw
    # differently (a list that was empty now has a row) and it stops with "inconsistent data
    # generation". As schemathesis's own runner does, go on with the next seed for the
    # sequences still to run (checks failed so far are kept in `failures`).
    while True:
        done = sequences
        try:
            hypothesis.seed(run.restarts)(Machine).run(
                settings=settings(
                    max_examples=max(1, STATEFUL_EXAMPLES - done),
                    stateful_step_count=STATEFUL_STEPS,
                    # No shrinking: checks are collected, not raised, and a shorter replay
                    # against a server whose state moved on would show nothing (as
                    # schemathesis's own stateful settings).
                    phases=[Phase.generate],
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
            )
            return run
        except FlakyStrategyDefinition:
            run.restarts += 1
            if run.restarts > MAX_RESTARTS or sequences == done:
                raise


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
    app: FastAPI, world: Any, uow: UnitOfWork, role: str, db_kind: str
) -> None:
    """Every identity that holds a login (anonymous calls end at 401 after one step: the
    stateless test's); links carry a created patient's, treatment's, check-in's, photo's ...
    ids into the calls that take them, from a clinic seeded with one of each."""
    ids = seed_state(uow, world, app.state.settings.data_dir)
    identity = Identity.of(uow, _person(world, role))
    run = _stateful(app, identity, role, ids)
    called = run.called
    if REPORT_DIR:
        ok = sorted(label for label, codes in called.items() if any(200 <= c < 300 for c in codes))
        paths = app.openapi()["paths"]
        operations = sorted(f"{m.upper()} {path}" for path, item in paths.items() for m in item)
        report = {"role": role, "database": db_kind, "operations": operations}
        codes = {label: sorted(codes) for label, codes in sorted(called.items())}
        report |= {"allowed": run.allowed, "called": sorted(called), "ok": ok, "codes": codes}
        report |= {"refusals": run.refusals, "restarts": run.restarts}
        Path(REPORT_DIR, f"stateful-{db_kind}-{role}.json").write_text(json.dumps(report))
    assert len(called) >= STATEFUL_MIN_OPERATIONS, sorted(called)  # links found and followed
    assert run.failures == [], "\n".join(run.failures)
