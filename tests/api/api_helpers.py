"""Helpers shared by the API tests (imported as `api_helpers`: tests/ is not a package)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Column, Table, select

from needlecare.services import auth, checkins
from needlecare.services.checkins import CheckinCreate, CheckinOutcome
from needlecare.storage.base import Base
from needlecare.storage.uow import UnitOfWork
from needlecare.web.security import SESSION_COOKIE
from page_session import sign_session

CALM = {"redness": 1, "swelling": 0, "pain": 1}
FEVER = {"redness": 2, "fever": True}
ALLERGY = {
    "redness": 3,
    "swelling": 3,
    "hives": True,
    "facial_swelling": True,
    "breathing_difficulty": True,
}


def session_cookie(secret: str, session: dict[str, Any]) -> dict[str, str]:
    """A session cookie signed the way Starlette's SessionMiddleware signs it."""
    return {SESSION_COOKIE: sign_session(secret, session)}


def submit(
    uow: UnitOfWork,
    world: Any,
    who: str,
    patient: str,
    symptoms: dict[str, Any],
    *,
    key: str | None = None,
    hours_ago: float = 0,
) -> CheckinOutcome:
    """A check-in through the service, optionally back-dated (alert ages)."""
    actor = auth.principal_for_token(uow, getattr(world, who).token)
    now = datetime.now(UTC) - timedelta(hours=hours_ago)
    return checkins.submit_checkin(
        uow,
        actor,
        world.patients[patient],
        CheckinCreate(symptoms=symptoms),
        idempotency_key=key,
        now=now,
    )


def flat_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, including those of included routers."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        items = (
            [(c.path, c.original_route) for c in contexts()]
            if contexts
            else [(getattr(route, "path", ""), route)]
        )
        for path, original in items:
            for method in sorted(getattr(original, "methods", None) or []):
                if method != "HEAD":
                    yield method, path


def columns_of(table: Table) -> list[Column[Any]]:
    # The caller's own token (or login) records its use; that is not a change to anybody's data.
    return [c for c in table.columns if c.name not in ("last_used_at", "last_seen_at")]


def snapshot(uow: UnitOfWork) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table except the audit log (which grows on purpose)."""
    rows: dict[str, set[tuple[Any, ...]]] = {}
    with uow:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            query = select(*columns_of(table))
            rows[table.name] = {tuple(map(repr, r)) for r in uow.session.execute(query)}
    return rows
