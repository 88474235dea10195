"""OpenAPI links between the API's operations: which response gives the ids another
operation takes (a created patient's `id` into every `/patients/{patient_id}/...` route, a
treatment's `patient_id` and `id` into its timeline ...). Clients and tools read them from
`/openapi.json`; schemathesis's stateful phase follows them to build call sequences that
reach every operation taking an id with ids from earlier answers (the links it infers by
itself gave one id of two: a treatment's timeline got a random patient id).

The links are data: a producer names the ids its response carries (as OpenAPI runtime
expressions), and links to every operation whose path takes exactly those ids; a few
links carry a request body or join an operation without ids to the one whose result it
shows. They are added to the schema FastAPI generates, through its documented
`app.openapi` override.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

API = "/api/v1"
P = f"{API}/patients/{{patient_id}}"
_PATH_ID = re.compile(r"{(\w+)}")

# (method, path, status) -> {path parameter: runtime expression}: the ids its response gives.
# A list gives its first row's (a JSON pointer has no wildcard).
Ids = dict[str, str]
PRODUCERS: list[tuple[str, str, str, Ids]] = [
    ("post", f"{API}/patients", "201", {"patient_id": "$response.body#/id"}),
    ("get", f"{API}/patients", "200", {"patient_id": "$response.body#/0/id"}),
    ("put", P, "200", {"patient_id": "$response.body#/id"}),
    ("post", f"{P}/invitations", "201", {"patient_id": "$response.body#/patient/id"}),
    # A patient's own record: the root of every sequence a patient makes.
    ("get", f"{API}/me", "200", {"patient_id": "$response.body#/patient_id"}),
    ("post", f"{API}/register", "201", {"patient_id": "$response.body#/patient_id"}),
    ("post", f"{P}/treatments", "201", {"patient_id": "$response.body#/patient_id",
                                        "treatment_id": "$response.body#/id"}),
    ("get", f"{P}/treatments", "200", {"patient_id": "$response.body#/0/patient_id",
                                       "treatment_id": "$response.body#/0/id"}),
    ("put", f"{P}/treatments/{{treatment_id}}", "200", {"patient_id": "$response.body#/patient_id",
                                                       "treatment_id": "$response.body#/id"}),
    ("post", f"{P}/checkins", "201", {"patient_id": "$response.body#/patient_id",
                                      "checkin_id": "$response.body#/id"}),
    ("post", f"{P}/checkins", "201", {"patient_id": "$response.body#/patient_id",
                                      "treatment_id": "$response.body#/treatment_id"}),
    ("post", f"{P}/checkins", "201", {"alert_id": "$response.body#/alert_id"}),
    ("get", f"{P}/checkins", "200", {"patient_id": "$response.body#/0/patient_id",
                                     "checkin_id": "$response.body#/0/id"}),
    ("get", f"{API}/alerts", "200", {"alert_id": "$response.body#/0/id"}),
    ("get", f"{API}/alerts", "200", {"patient_id": "$response.body#/0/patient_id"}),
    ("get", f"{API}/alerts/queue", "200", {"alert_id": "$response.body#/rows/0/alert_id"}),
    ("get", f"{API}/alerts/queue", "200", {"patient_id": "$response.body#/rows/0/patient_id"}),
    ("post", f"{API}/alerts/{{alert_id}}/acknowledge", "200", {"alert_id": "$response.body#/id"}),
    ("post", f"{P}/photos", "201", {"patient_id": "$response.body#/patient_id",
                                    "photo_id": "$response.body#/id"}),
    ("get", f"{P}/photos", "200", {"patient_id": "$response.body#/0/patient_id",
                                   "photo_id": "$response.body#/0/id"}),
    ("put", f"{P}/photos/{{photo_id}}/roi", "200", {"patient_id": "$response.body#/patient_id",
                                                   "photo_id": "$response.body#/id"}),
    ("post", f"{P}/shelf", "201", {"patient_id": "$request.path.patient_id",
                                   "product_id": "$response.body#/products/0/id"}),
    ("get", f"{P}/shelf", "200", {"patient_id": "$request.path.patient_id",
                                  "product_id": "$response.body#/products/0/id"}),
    ("post", f"{API}/auth/tokens", "201", {"token_id": "$response.body#/id"}),
    ("get", f"{API}/auth/tokens", "200", {"token_id": "$response.body#/0/id"}),
    ("get", f"{API}/clinic/staff", "200", {"user_id": "$response.body#/0/id"}),
    ("post", f"{API}/invitations/staff/accept", "201", {"user_id": "$response.body#/user_id"}),
]  # fmt: skip

# (method, path, status) -> (method, path, request body): a link with a body, or one that
# joins an operation without ids to the one that changed what it shows.
FOLLOWS: list[tuple[str, str, str, str, str, dict[str, Any] | None]] = [
    ("post", f"{API}/invitations/staff", "201",
     "post", f"{API}/invitations/staff/accept", {"token": "$response.body#/token"}),
    ("post", f"{P}/invitations", "201",
     "post", f"{API}/invitations/patient/accept", {"token": "$response.body#/token"}),
    ("post", f"{API}/invitations/staff/accept", "201", "get", f"{API}/clinic/staff", None),
    ("post", f"{API}/auth/tokens", "201", "get", f"{API}/auth/tokens", None),
    ("get", f"{API}/me", "200", "get", f"{API}/me/export", None),
    ("get", f"{API}/clinic/settings", "200", "put", f"{API}/clinic/settings", {
        key: f"$response.body#/{key}"
        for key in ("name", "phone", "address", "hours", "country", "urgent_ack_minutes",
                    "timezone")
    }),
    ("put", f"{API}/clinic/settings", "200", "get", f"{API}/clinic/settings", None),
    ("get", f"{API}/clinic/protocol", "200", "put", f"{API}/clinic/protocol",
     {"protocol": "$response.body#/protocol"}),
    ("put", f"{API}/clinic/protocol", "201", "get", f"{API}/clinic/protocol/versions", None),
    ("post", f"{API}/clinic/catalogue", "201", "get", f"{API}/clinic/catalogue", None),
    # A check-in changes the clinic's counts, outcomes and exports.
    *[("post", f"{P}/checkins", "201", "get", f"{API}{target}", None)
      for target in ("/alerts/counts", "/clinic/outcomes", "/clinic/research.csv",
                     "/clinic/research.json", "/clinic/export.csv", "/clinic/export.json",
                     "/audit")],
]  # fmt: skip


def _operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (FastAPI's generated OpenAPI document) with the links above in its
    responses. A producer or target that is not in the schema is an error: the table must
    follow the routes."""
    operations = _operations(schema)
    by_ids: dict[frozenset[str], list[tuple[str, str]]] = {}
    for method, path in operations:
        ids = frozenset(_PATH_ID.findall(path))
        if ids and path.startswith(API):
            by_ids.setdefault(ids, []).append((method, path))

    def link(source: tuple[str, str], status: str, target: tuple[str, str], **extra: Any) -> None:
        # Named by the target's operationId: one link per target in a response.
        operation_id = operations[target]["operationId"]
        links = operations[source]["responses"][status].setdefault("links", {})
        links[operation_id] = {"operationId": operation_id, **extra}

    for method, path, status, expressions in PRODUCERS:
        for target in by_ids.get(frozenset(expressions), []):
            if target != (method, path):
                link((method, path), status, target, parameters=expressions)
    for method, path, status, target_method, target_path, body in FOLLOWS:
        extra = (
            {"description": "shows what this changed"} if body is None else {"requestBody": body}
        )
        link((method, path), status, (target_method, target_path), **extra)
    return schema


def install(app: FastAPI) -> None:
    """Serve the schema with its links (built once, like FastAPI's own)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
