"""The schema's links lead somewhere: walked without randomness, they give every role each
operation with an id in its path that the role may call (the role matrix's ACCESS), with a
2xx answer. The walk starts from the seeded clinic (tests/security/fuzz_state.py) and the
operations without ids, follows the links of each 2xx answer (ids from their runtime
expressions only, never a guessed or a seeded id) to operations not yet answered 2xx, with
a valid body, for a few rounds; calls that use their object up go last. The stateful fuzz
(test_api_fuzz.py) follows the same links at random: what this walk cannot reach, neither
can it.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import World
from needlecare.storage.uow import UnitOfWork
from security.fuzz_state import seed_state, valid_bodies
from security.test_role_matrix import A_ADMIN, A_CLIN, ACCESS, P1

ROLES = {"admin": ("alice", A_ADMIN), "clinician": ("bob", A_CLIN), "patient": ("pat", P1)}
ROUNDS = 4
# Calls that use their object up go after all others, in this order (an assignment needs
# an unresolved alert; a sequence that revokes its own token can call nothing after it).
USES_UP = [
    "POST /api/v1/alerts/{alert_id}/resolve",
    "DELETE /api/v1/patients/{patient_id}/photos/{photo_id}",
    "DELETE /api/v1/auth/tokens/{token_id}",
]
Operation = tuple[str, str]  # (METHOD, path)


def _pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 JSON pointer; None where the document has no such value."""
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            return None
    return document


def _evaluate(expression: str, body: Any, path_ids: dict[str, Any]) -> Any:
    if expression.startswith("$response.body#"):
        return _pointer(body, expression.removeprefix("$response.body#"))
    if expression.startswith("$request.path."):
        return path_ids.get(expression.removeprefix("$request.path."))
    raise AssertionError(f"a runtime expression this walk does not know: {expression}")


class Walk:
    def __init__(self, app: FastAPI, world: World, role: str) -> None:
        person, self.actor = ROLES[role]
        self.person = world.people[person]
        self.client = TestClient(app, headers=dict(self.person.headers))
        self.bodies = valid_bodies(self.person)
        self.spec = app.openapi()
        self.operation_ids = {
            operation["operationId"]: (method.upper(), path)
            for path, item in self.spec["paths"].items()
            for method, operation in item.items()
        }
        self.answered: dict[Operation, set[int]] = {}

    def ok(self, operation: Operation) -> bool:
        return any(200 <= code < 300 for code in self.answered.get(operation, ()))

    def allowed(self, operation: Operation) -> bool:
        return self.actor in ACCESS[operation]

    def call(self, operation: Operation, path_ids: dict[str, Any]) -> Any:
        method, path = operation
        label = f"{method} {path}"
        body = (self.bodies.get(label) or [None])[0]
        kwargs: dict[str, Any] = {}
        if isinstance(body, dict) and "file" in body:
            fields = {k: str(v) for k, v in body.items() if k != "file"}
            kwargs = {"files": {"file": ("photo.jpg", body["file"], "image/jpeg")}, "data": fields}
        elif body is not None:
            kwargs = {"json": body}
        url = path.format(**path_ids)
        response = self.client.request(method, url, **kwargs)
        self.answered.setdefault(operation, set()).add(response.status_code)
        if not 200 <= response.status_code < 300:
            return None
        if "json" not in response.headers.get("content-type", ""):
            return {}
        return response.json()

    def links(self, operation: Operation, status: int) -> list[tuple[Operation, dict[str, str]]]:
        method, path = operation
        responses = self.spec["paths"][path][method.lower()]["responses"]
        found = responses.get(str(status), {}).get("links", {}).values()
        return [
            (self.operation_ids[link["operationId"]], link.get("parameters", {})) for link in found
        ]

    def run(self) -> None:
        # (operation, its answer, its path ids, its status) of every 2xx so far
        answers: list[tuple[Operation, Any, dict[str, Any], int]] = []
        for operation in self.operation_ids.values():
            method, path = operation
            if (
                "{" not in path
                and self.allowed(operation)
                and (method == "GET" or f"{method} {path}" in self.bodies)
            ):
                self.record(answers, operation, {})
        last: list[tuple[Operation, dict[str, Any]]] = []
        seen: set[tuple[Operation, tuple[tuple[str, Any], ...]]] = set()
        for _ in range(ROUNDS):
            for source, body, source_ids, status in list(answers):
                for target, expressions in self.links(source, status):
                    if not expressions or not self.allowed(target):
                        continue
                    ids = {k: _evaluate(v, body, source_ids) for k, v in expressions.items()}
                    key = (target, tuple(sorted(ids.items())))
                    if None in ids.values() or key in seen or self.ok(target):
                        continue
                    seen.add(key)
                    if " ".join(target) in USES_UP:
                        last.append((target, ids))
                    else:
                        self.record(answers, target, ids)
        for target, ids in sorted(last, key=lambda call: USES_UP.index(" ".join(call[0]))):
            self.call(target, ids)

    def record(
        self, answers: list[tuple[Operation, Any, dict[str, Any], int]], op: Operation, ids: Any
    ) -> None:
        body = self.call(op, ids)
        if body is not None:
            status = max(self.answered[op] & set(range(200, 300)))
            answers.append((op, body, ids, status))


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_links_reach_every_id_operation_the_role_may_call(
    app: FastAPI, world: World, uow: UnitOfWork, role: str
) -> None:
    seed_state(uow, world, app.state.settings.data_dir)
    walk = Walk(app, world, role)
    walk.run()
    may_call = {op for op in walk.operation_ids.values() if "{" in op[1] and walk.allowed(op)}
    unanswered = {
        " ".join(op): sorted(walk.answered.get(op, set())) for op in may_call if not walk.ok(op)
    }
    assert may_call and unanswered == {}
