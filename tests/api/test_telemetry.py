"""Running it like a service: request ids, JSON log lines, the access line, /metrics, version."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from needlecare.cli import app as cli_app
from needlecare.storage.base import utcnow
from needlecare.storage.models import OutboxMessage
from needlecare.storage.models.jobs import MessageKind
from needlecare.storage.uow import UnitOfWork
from needlecare.web.telemetry import ACCESS_LOGGER, JsonFormatter, logging_config

LOOPBACK = ("127.0.0.1", 50000)


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the JSON handler writes while the test runs (every logger, via the root)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _scrape(app: FastAPI, **kw: object) -> str:
    with TestClient(app, client=LOOPBACK) as local:  # type: ignore[arg-type]
        response = local.get("/metrics", **kw)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    found = [line for line in text.splitlines() if line.startswith(prefix)]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_sane_request_id_is_kept_and_any_other_replaced(client: TestClient) -> None:
    kept = client.get("/health", headers={"X-Request-ID": "lb-7f3a:01"})
    assert kept.headers["x-request-id"] == "lb-7f3a:01"
    for bad in ("has spaces", "<script>", "x" * 200):
        made = client.get("/health", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert made != bad and len(made) == 32
    first = client.get("/api/v1/me").headers["x-request-id"]  # 401: still has one
    assert first != client.get("/nope").headers["x-request-id"]  # 404 too, and a new one


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_line_of_a_request_carries_its_id_including_sync_routes(
    app: FastAPI, json_lines: io.StringIO
) -> None:
    def probe() -> dict[str, str]:  # a plain def: FastAPI runs it in the thread pool
        logging.getLogger("needlecare.probe").warning("inside the route")
        return {}

    app.add_api_route("/_probe/{item_id}", probe)
    with TestClient(app) as client:
        rid = client.get("/_probe/4242417").headers["x-request-id"]
    lines = _lines(json_lines)
    inside = [line for line in lines if line["logger"] == "needlecare.probe"]
    access = [line for line in lines if line["logger"] == ACCESS_LOGGER]
    assert [line["request_id"] for line in inside] == [rid]
    assert len(access) == 1
    assert access[0]["request_id"] == rid
    assert access[0]["method"] == "GET" and access[0]["status"] == 200
    assert access[0]["route"] == "/_probe/{item_id}"  # the template: no ids in the log
    assert isinstance(access[0]["duration_ms"], float)
    assert "4242417" not in json.dumps(access)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_access_line_names_the_full_template_and_the_status(
    client: TestClient, json_lines: io.StringIO
) -> None:
    client.get("/api/v1/patients/12345/checkins")  # no token: 401
    client.get("/no/such/page/987")
    access = [line for line in _lines(json_lines) if line["logger"] == ACCESS_LOGGER]
    assert [(a["route"], a["status"]) for a in access] == [
        ("/api/v1/patients/{patient_id}/checkins", 401),
        ("<unmatched>", 404),
    ]


def test_json_lines_are_one_object_each_with_the_exception() -> None:
    formatter = JsonFormatter()
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info()
        )
    line = formatter.format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "failed here" and parsed["level"] == "ERROR"
    assert "ValueError: bad" in parsed["exc"] and parsed["request_id"] is None


def test_the_logging_config_writes_json_and_silences_uvicorns_access_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logging.config.dictConfig(logging_config("INFO", access_log=False))
        logging.getLogger("uvicorn.error").info("started")
        logging.getLogger("uvicorn.access").info("GET / 200")
        logging.getLogger(ACCESS_LOGGER).info("GET / 200")
        err = capsys.readouterr().err.splitlines()
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
        logging.getLogger(ACCESS_LOGGER).setLevel(logging.NOTSET)
    assert [json.loads(line)["message"] for line in err] == ["started"]


def test_metrics_count_requests_by_route_template_and_status(
    app: FastAPI, client: TestClient
) -> None:
    before = _scrape(app)
    route = "/api/v1/patients/{patient_id}"
    for patient_id in (1, 2, 3):
        client.get(f"/api/v1/patients/{patient_id}")
    after = _scrape(app)
    labels = {"method": "GET", "route": route, "status": "401"}
    counted = _sample(after, "needlecare_http_requests_total", **labels)
    assert counted - _sample(before, "needlecare_http_requests_total", **labels) == 3
    timed = {"method": "GET", "route": route}
    latency = "needlecare_http_request_duration_seconds_count"
    assert _sample(after, latency, **timed) - _sample(before, latency, **timed) == 3
    assert 'le="0.25"' in after and "/api/v1/patients/1" not in after


def test_metrics_show_checkin_levels_outbox_depth_and_worker_lag(
    app: FastAPI, client: TestClient, world: object, uow: UnitOfWork
) -> None:
    pat = world.pat  # type: ignore[attr-defined]
    pid = world.patients["pat"]  # type: ignore[attr-defined]
    urgent = {"symptoms": {"redness": 3, "fever": True, "spreading_redness": True}}
    for body in ({"symptoms": {"redness": 1}}, urgent):
        answer = client.post(f"/api/v1/patients/{pid}/checkins", json=body, headers=pat.headers)
        assert answer.status_code == 201, answer.text
    with uow:
        uow.session.add(
            OutboxMessage(
                kind=MessageKind.CHECKIN_ALERT,
                dedupe_key="late-one",
                recipient="late@example.org",
                next_attempt_at=utcnow() - timedelta(minutes=10),
            )
        )
        uow.commit()
    text = _scrape(app)
    assert _sample(text, "needlecare_checkins_last_24h", level="expected") >= 1
    assert _sample(text, "needlecare_checkins_last_24h", level="urgent") == 1
    assert _sample(text, "needlecare_outbox_messages", status="pending") >= 1
    assert 600 <= _sample(text, "needlecare_worker_lag_seconds") < 3600


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_metrics_are_closed_to_other_hosts_and_proxied_requests(
    app: FastAPI, client: TestClient
) -> None:
    denied = client.get("/metrics")  # TestClient's peer is "testclient", not loopback
    assert denied.status_code == 403 and denied.json()["code"] == "metrics_forbidden"
    with TestClient(app, client=LOOPBACK) as local:  # type: ignore[arg-type]
        assert local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert "/metrics" not in client.get("/openapi.json").text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_metrics_token_opens_metrics_to_other_hosts(app: FastAPI) -> None:
    token = "scrape-" + "t" * 30
    app.state.settings = app.state.settings.model_copy(update={"metrics_token": token})
    with TestClient(app) as remote:
        assert remote.get("/metrics").status_code == 403
        wrong = remote.get("/metrics", headers={"Authorization": f"Bearer {token}x"})
        assert wrong.status_code == 403
        right = remote.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert right.status_code == 200 and "needlecare_worker_lag_seconds" in right.text
    with TestClient(app, client=LOOPBACK) as local:  # type: ignore[arg-type]
        assert local.get("/metrics").status_code == 200
        guessed = local.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert guessed.status_code == 403  # a wrong token is refused, even from loopback


def test_worker_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """serve --workers N: each process writes its samples; one scrape sums them all."""
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    record = (
        "from needlecare.web import metrics; metrics.observe_request('GET', '/health', 200, 0.01)"
    )
    for _ in range(2):  # two separate processes, like two workers
        subprocess.run([sys.executable, "-c", record], env=env, check=True, timeout=120)
    collect = (
        "from needlecare.web.metrics import _request_registry; "
        "from prometheus_client import generate_latest; "
        "print(generate_latest(_request_registry()).decode())"
    )
    out = subprocess.run(
        [sys.executable, "-c", collect], env=env, check=True, timeout=120, capture_output=True
    ).stdout.decode()
    labels = {"method": "GET", "route": "/health", "status": "200"}
    assert _sample(out, "needlecare_http_requests_total", **labels) == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_version_has_one_home(client: TestClient) -> None:
    installed = version("needlecare")
    assert client.get("/health").json() == {"status": "ok", "version": installed}
    assert client.get("/openapi.json").json()["info"]["version"] == installed
    result = CliRunner().invoke(cli_app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"needlecare {installed}"
