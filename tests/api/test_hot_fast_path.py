"""`web.hot.HotRoutes`: the check-in and alert-queue requests it answers before FastAPI's
routing, the ones it passes on (with the body replayed), and answers identical to FastAPI's."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from api_helpers import CALM, FEVER
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.config import Settings
from needlecare.storage.models import Checkin
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app
from needlecare.web.hot import HotRoutes

API = "/api/v1"


class Recorder:
    """The ASGI app behind the middleware: records what reaches it and answers 299."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _call(
    app: FastAPI,
    inner: Recorder,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    query: bytes = b"",
    chunks: int = 1,
) -> tuple[int, bytes]:
    """One request through HotRoutes(inner), the body sent in `chunks` parts."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "app": app,
    }
    step = max(1, -(-len(body) // chunks))
    parts = [body[i : i + step] for i in range(0, len(body), step)] or [b""]
    messages = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(HotRoutes(inner)(scope, receive, send))
    status = sent[0]["status"]
    return status, b"".join(m.get("body", b"") for m in sent[1:])


def _checkin_headers(token: str, **extra: str) -> dict[str, str]:
    return {
        "authorization": f"Bearer {token}",
        "content-type": "application/json",
        "idempotency-key": uuid.uuid4().hex,
        **extra,
    }


def _checkins(uow: UnitOfWork) -> int:
    with uow.reading():
        return int(uow.session.scalar(select(func.count()).select_from(Checkin)) or 0)


def test_a_plain_valid_checkin_is_answered_before_routing(
    app: FastAPI, uow: UnitOfWork, world: Any
) -> None:
    inner = Recorder()
    body = orjson.dumps({"symptoms": FEVER})
    status, answer = _call(
        app,
        inner,
        "POST",
        f"{API}/patients/{world.patients['pat']}/checkins",
        body=body,
        headers=_checkin_headers(
            world.bob.token, **{"content-type": "application/json; charset=utf-8"}
        ),
        chunks=3,
    )
    assert (status, inner.bodies) == (201, [])
    created = orjson.loads(answer)
    assert created["level"] == "contact_clinic" and created["alert_id"] is not None
    assert _checkins(uow) == 1


def test_the_alert_queue_is_answered_before_routing(app: FastAPI, world: Any) -> None:
    inner = Recorder()
    status, answer = _call(
        app, inner, "GET", f"{API}/alerts", headers={"authorization": f"bearer {world.bob.token}"}
    )
    assert (status, inner.bodies, orjson.loads(answer)) == (200, [], [])


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("no token", {"authorization": None}),
        ("basic auth", {"authorization": "Basic Ym9iOnB3"}),
        ("not JSON", {"body": b"{symptoms"}),
        ("invalid field", {"body": orjson.dumps({"symptoms": {"redness": 9}})}),
        ("unknown field", {"body": orjson.dumps({"symptoms": CALM, "mood": "fine"})}),
        ("empty body", {"body": b""}),
        ("form body", {"content-type": "application/x-www-form-urlencoded"}),
        ("no content type", {"content-type": None}),
        ("long key", {"idempotency-key": "k" * 101}),
        ("id beyond any row", {"patient": "99999999999"}),
    ],
)
def test_anything_else_goes_on_to_fastapi_with_its_body(
    app: FastAPI, uow: UnitOfWork, world: Any, case: str, change: dict[str, Any]
) -> None:
    inner = Recorder()
    headers = _checkin_headers(world.bob.token)
    for name in ("authorization", "content-type", "idempotency-key"):
        if name in change:
            headers.pop(name)
            if change[name] is not None:
                headers[name] = change[name]
    body = change.get("body", orjson.dumps({"symptoms": CALM}))
    patient = change.get("patient", str(world.patients["pat"]))
    status, _ = _call(
        app,
        inner,
        "POST",
        f"{API}/patients/{patient}/checkins",
        body=body,
        headers=headers,
        chunks=2,
    )
    assert (status, inner.bodies) == (299, [body]), case
    assert _checkins(uow) == 0


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("GET", "/alerts", b"limit=5"),
        ("GET", "/alerts", b"state=resolved"),
        ("HEAD", "/alerts", b""),
        ("GET", "/patients/1/checkins", b""),
        ("POST", "/patients/1/checkins/2", b""),
        ("POST", "/patients/x/checkins", b""),
        ("POST", "/alerts", b""),
    ],
)
def test_other_requests_are_not_touched(
    app: FastAPI, world: Any, method: str, path: str, query: bytes
) -> None:
    inner = Recorder()
    headers = {"authorization": f"Bearer {world.bob.token}"}
    status, _ = _call(app, inner, method, API + path, headers=headers, query=query)
    assert (status, inner.bodies) == (299, [b""])


def test_service_errors_get_the_apps_own_answer(app: FastAPI, world: Any) -> None:
    inner = Recorder()
    rory = world.patients["rory"]  # another clinic's patient: not found, as on every route
    status, answer = _call(
        app,
        inner,
        "POST",
        f"{API}/patients/{rory}/checkins",
        body=orjson.dumps({"symptoms": CALM}),
        headers=_checkin_headers(world.bob.token),
    )
    assert (status, inner.bodies) == (404, [])
    assert orjson.loads(answer)["code"] == "not_found"
    status, answer = _call(
        app, inner, "GET", f"{API}/alerts", headers={"authorization": "Bearer not-a-token"}
    )
    assert (status, inner.bodies, orjson.loads(answer)["code"]) == (401, [], "unauthorized")


# Identical answers with and without the fast path -------------------------------------------


@pytest.fixture
def plain_client(settings: Settings) -> Iterator[TestClient]:
    """The same app on the same database without HotRoutes: FastAPI answers everything."""
    app = create_app(settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not HotRoutes]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def _answer(response: Any) -> tuple[int, Any, list[tuple[str, str]]]:
    body = response.json() if response.content else None
    # Every response has its own request id (web/telemetry.py): not part of the answer.
    headers = sorted(
        (k, v) for k, v in response.headers.items() if k not in ("content-length", "x-request-id")
    )
    return response.status_code, body, headers


def _without_new_ids(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in {"id", "created_at", "alert_id"}}


def test_answers_match_fastapis(client: TestClient, plain_client: TestClient, world: Any) -> None:
    pat, rory = world.patients["pat"], world.patients["rory"]
    bob = {"Authorization": f"Bearer {world.bob.token}"}
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", f"{API}/patients/{rory}/checkins", {"json": {"symptoms": CALM}, "headers": bob}),
        ("POST", f"{API}/patients/{pat}/checkins", {"json": {"symptoms": CALM}}),
        (
            "POST",
            f"{API}/patients/{pat}/checkins",
            {"json": {"symptoms": CALM}, "headers": {"Authorization": "Bearer wrong"}},
        ),
        (
            "POST",
            f"{API}/patients/{pat}/checkins",
            {"json": {"symptoms": {"redness": 9}}, "headers": bob},
        ),
        ("GET", f"{API}/alerts", {"headers": bob}),
        ("GET", f"{API}/alerts", {"headers": {"Authorization": "Bearer wrong"}}),
        ("GET", f"{API}/alerts", {}),
    ]
    for method, path, options in cases:
        fast = client.request(method, path, **options)
        plain = plain_client.request(method, path, **options)
        assert _answer(fast) == _answer(plain), (method, path, options)

    # A check-in stored by either answers the same, and either replays the other's.
    key = {"Idempotency-Key": "same-key"}
    fast = client.post(
        f"{API}/patients/{pat}/checkins", json={"symptoms": FEVER}, headers=bob | key
    )
    plain_replay = plain_client.post(
        f"{API}/patients/{pat}/checkins", json={"symptoms": FEVER}, headers=bob | key
    )
    fast_replay = client.post(
        f"{API}/patients/{pat}/checkins", json={"symptoms": FEVER}, headers=bob | key
    )
    assert (fast.status_code, plain_replay.status_code) == (201, 200)
    assert _answer(plain_replay) == _answer(fast_replay)
    assert plain_replay.json() == fast.json() | {"replayed": True}
    plain = plain_client.post(
        f"{API}/patients/{pat}/checkins", json={"symptoms": FEVER}, headers=bob
    )
    assert plain.status_code == 201
    assert _without_new_ids(plain.json()) == _without_new_ids(fast.json())
    assert _answer(client.get(f"{API}/alerts", headers=bob)) == _answer(
        plain_client.get(f"{API}/alerts", headers=bob)
    )
