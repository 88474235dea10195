"""Draining the outbox: claim due rows, send each, record the outcome.

Claim, send and record are three steps so no transaction is open while we talk to SMTP:
1. claim (short transaction): rows that are due, or claimed by a worker that vanished more
   than a lease ago, get status `sending` and a fresh claim token. On PostgreSQL the SELECT
   uses FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint rows without waiting;
   the UPDATE repeats the due condition and counts rows, so a row is claimed once even where
   SKIP LOCKED does not exist (SQLite, where BEGIN IMMEDIATE makes the claim atomic anyway).
2. send, outside any transaction.
3. record (short transaction, guarded by the claim token): sent, retry later, or failed.
A crash between 2 and 3 leaves the row `sending`; after the lease it is sent again with the
same Message-ID (the only case of a possible second copy, and a recognisable one).
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from needlecare.jobs.backoff import retry_delay
from needlecare.jobs.emails import NoLongerWanted, compose
from needlecare.jobs.settings import JobsSettings
from needlecare.jobs.smtp import DeliveryError, Transport
from needlecare.storage.models.jobs import OutboxMessage, OutboxStatus
from needlecare.storage.uow import UnitOfWork

log = logging.getLogger("needlecare.jobs.outbox")


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)


def _claimable(now: datetime, lease_expired_before: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < lease_expired_before,
        ),
    )


def claim(
    factory: sessionmaker[Session], now: datetime, settings: JobsSettings
) -> tuple[str, list[int]]:
    """Claim up to `batch_size` due messages for this worker: (claim token, ids)."""
    token = uuid.uuid4().hex
    due = _claimable(now, now - settings.lease)
    with UnitOfWork(factory) as uow:
        ids = uow.session.scalars(
            select(OutboxMessage.id)
            .where(due)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(settings.batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for row_id in ids:
            result = uow.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, due)
                .values(
                    status=OutboxStatus.SENDING,
                    claim_token=token,
                    claimed_at=now,
                    attempts=OutboxMessage.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            # Nothing updated: another worker got there first.
            if getattr(result, "rowcount", 0) == 1:
                claimed.append(row_id)
        uow.commit()
    return token, claimed


def _finish(
    factory: sessionmaker[Session], row_id: int, token: str, values: Mapping[str, object]
) -> bool:
    """Record an outcome if we still hold the claim (a taken-over row is not ours to touch)."""
    with UnitOfWork(factory) as uow:
        result = uow.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.claim_token == token,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(claim_token=None, **values)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
    return getattr(result, "rowcount", 0) == 1


def _send_one(
    factory: sessionmaker[Session],
    transport: Transport,
    row_id: int,
    token: str,
    settings: JobsSettings,
    clock: Callable[[], datetime],
    rng: random.Random,
    report: DrainReport,
) -> DeliveryError | None:
    """Send one claimed message and record the outcome; the delivery error, if any."""
    with UnitOfWork(factory).reading() as uow:
        row = uow.session.get(OutboxMessage, row_id)
        if row is None:  # deleted with its patient since the claim: nothing to send
            return None
        attempts = row.attempts
        try:
            message = compose(uow.session, row, settings)
        except NoLongerWanted as reason:
            cancelled = {"status": OutboxStatus.CANCELLED, "last_error": str(reason)}
            _finish(factory, row_id, token, cancelled)
            log.info("outbox %s cancelled: %s", row_id, reason)
            report.cancelled += 1
            return None
    try:
        transport.send(message)
    except DeliveryError as exc:
        _record_failure(factory, row_id, token, attempts, exc, settings, clock, rng, report)
        return exc
    sent = {"status": OutboxStatus.SENT, "sent_at": clock(), "last_error": None}
    _finish(factory, row_id, token, sent)
    log.info("outbox %s sent (attempt %s)", row_id, attempts)
    report.sent += 1
    return None


def _record_failure(
    factory: sessionmaker[Session],
    row_id: int,
    token: str,
    attempts: int,
    exc: DeliveryError,
    settings: JobsSettings,
    clock: Callable[[], datetime],
    rng: random.Random,
    report: DrainReport,
) -> None:
    report.errors.append(str(exc))
    give_up = exc.permanent or (exc.reached_server and attempts >= settings.max_attempts)
    if give_up:
        _finish(factory, row_id, token, {"status": OutboxStatus.FAILED, "last_error": str(exc)})
        log.warning("outbox %s failed for good after %s attempt(s): %s", row_id, attempts, exc)
        report.failed += 1
        return
    # An unreachable server does not use up attempts: count only answered tries for the cap.
    values: dict[str, object] = {
        "status": OutboxStatus.PENDING,
        "next_attempt_at": clock()
        + retry_delay(attempts, settings.retry_base, settings.retry_cap, rng),
        "last_error": str(exc),
    }
    if not exc.reached_server:
        values["attempts"] = max(0, attempts - 1)
    _finish(factory, row_id, token, values)
    log.info("outbox %s will be retried (attempt %s): %s", row_id, attempts, exc)
    report.retried += 1


def drain(
    factory: sessionmaker[Session],
    transport: Transport,
    settings: JobsSettings,
    *,
    clock: Callable[[], datetime],
    rng: random.Random,
    max_batches: int = 50,
) -> DrainReport:
    """Send what is due, batch after batch, until nothing is due (or `max_batches`)."""
    report = DrainReport()
    try:
        for _ in range(max_batches):
            token, ids = claim(factory, clock(), settings)
            if not ids:
                break
            unreachable = False
            for row_id in ids:
                if unreachable:
                    # The server is down: give the rest of the batch back untried.
                    later = clock() + retry_delay(1, settings.retry_base, settings.retry_cap, rng)
                    _finish(factory, row_id, token, _give_back(later))
                    report.retried += 1
                    continue
                error = _send_one(factory, transport, row_id, token, settings, clock, rng, report)
                unreachable = error is not None and not error.reached_server
            if unreachable:
                break
    finally:
        transport.close()
    return report


def _give_back(when: datetime) -> dict[str, object]:
    return {
        "status": OutboxStatus.PENDING,
        "next_attempt_at": when,
        "attempts": OutboxMessage.attempts - 1,
    }
