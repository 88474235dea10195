"""Prometheus metrics at GET /metrics (prometheus-client), closed to the public.

Two kinds of figures:
- per request, counted in the process that served it: requests by method, route template and
  status, and a latency histogram by route. `needlecare serve --workers N` runs N processes
  behind one port, so a scrape reaches whichever process the kernel picks: per-process
  figures would jump between workers. prometheus-client's multiprocess mode is therefore
  used whenever `PROMETHEUS_MULTIPROC_DIR` is set (`serve` sets it, to a fresh directory, for
  N > 1): each process writes its samples to files there and a scrape adds them all up.
- read from the database at scrape time, the same whichever process answers: check-ins of
  the last 24 hours by triage level, the outbox depth by status, and the worker lag (how long
  the oldest due, unsent email has been waiting; 0 when none is due).

Who may scrape: a request from the machine itself (loopback, and no forwarding header, so a
reverse proxy on the same host does not open it to everyone), or anyone presenting
`Authorization: Bearer <NEEDLECARE_METRICS_TOKEN>` when that setting is set.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterable

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from needlecare.services.errors import Forbidden
from needlecare.services.service_figures import service_figures
from needlecare.storage.uow import UnitOfWork
from needlecare.web.deps import UowDep

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Route latency buckets (seconds): the pages' budget is a few hundred ms; the tail matters.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "needlecare_http_requests",
    "HTTP requests answered, by method, route template and status",
    ("method", "route", "status"),
)
LATENCY = Histogram(
    "needlecare_http_request_duration_seconds",
    "Time from request to the end of the response, by method and route template",
    ("method", "route"),
    buckets=LATENCY_BUCKETS,
)


class MetricsForbidden(Forbidden):
    code = "metrics_forbidden"


def observe_request(method: str, route: str, status: int, duration_s: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(duration_s)


class DatabaseCollector(Collector):
    """Figures read from the database when scraped (shared by every process)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def collect(self) -> Iterable[Metric]:
        figures = service_figures(self.uow)
        checkins = GaugeMetricFamily(
            "needlecare_checkins_last_24h",
            "Check-ins stored in the last 24 hours, by triage level",
            labels=("level",),
        )
        for level, count in sorted(figures.checkins_by_level.items()):
            checkins.add_metric((level,), count)
        outbox = GaugeMetricFamily(
            "needlecare_outbox_messages", "Outbox messages by status", labels=("status",)
        )
        for status, count in sorted(figures.outbox_by_status.items()):
            outbox.add_metric((status,), count)
        lag = GaugeMetricFamily(
            "needlecare_worker_lag_seconds",
            "How long the oldest due, unsent outbox message has waited (0: none due)",
        )
        lag.add_metric((), figures.worker_lag_s)
        yield from (checkins, outbox, lag)


def _request_registry() -> CollectorRegistry:
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _allowed(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def scrape(request: Request, uow: UowDep) -> Response:
    if not _allowed(request, request.app.state.settings.metrics_token):
        raise MetricsForbidden(
            "metrics are served to this machine or with the NEEDLECARE_METRICS_TOKEN bearer token"
        )
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector(uow))
    body = generate_latest(_request_registry()) + generate_latest(database)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
