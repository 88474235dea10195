"""Helpers shared by the API tests (imported as `api_helpers`: tests/ is not a package)."""

from __future__ import annotations

import json
from base64 import b64encode
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import TimestampSigner

from needlecare.services import auth, checkins
from needlecare.services.checkins import CheckinCreate, CheckinOutcome
from needlecare.storage.uow import UnitOfWork
from needlecare.web.security import SESSION_COOKIE

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
    data = b64encode(json.dumps(session).encode())
    return {SESSION_COOKIE: TimestampSigner(secret).sign(data).decode()}


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
