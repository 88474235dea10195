"""Figures an operator watches, read from the database (for /metrics): the same whichever
process answers, so they need no coordination between worker processes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from needlecare.storage.base import utcnow
from needlecare.storage.models import Checkin, OutboxMessage
from needlecare.storage.models.jobs import OutboxStatus
from needlecare.storage.uow import UnitOfWork

RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class ServiceFigures:
    checkins_by_level: dict[str, int]  # stored in the last RECENT
    outbox_by_status: dict[str, int]
    worker_lag_s: float  # age of the oldest due, unsent message; 0 when none is due


def service_figures(uow: UnitOfWork, now: datetime | None = None) -> ServiceFigures:
    now = now or utcnow()
    with uow:
        session = uow.session
        levels = session.execute(
            select(Checkin.level, func.count())
            .where(Checkin.created_at >= now - RECENT)
            .group_by(Checkin.level)
        ).all()
        depth = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        oldest_due = session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
        )
    return ServiceFigures(
        checkins_by_level={str(level): count for level, count in levels},
        outbox_by_status={str(status): count for status, count in depth},
        worker_lag_s=max((now - oldest_due).total_seconds(), 0.0) if oldest_due else 0.0,
    )
