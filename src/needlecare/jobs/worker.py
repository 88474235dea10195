"""The worker: a loop of passes. Each pass handles the schedule (reminders, missed check-ins)
and then drains the outbox. Several workers may run at once (see docs/jobs.md).

One failing pass is logged and the loop goes on (a bad row or a database blip must not stop
reminders for everyone)."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from needlecare.jobs.outbox import DrainReport, drain
from needlecare.jobs.overdue import notify_overdue_urgent
from needlecare.jobs.reminders import ScheduleReport, run_schedule
from needlecare.jobs.settings import JobsSettings
from needlecare.jobs.smtp import SmtpTransport, Transport
from needlecare.storage.base import utcnow

log = logging.getLogger("needlecare.jobs.worker")


@dataclass(frozen=True)
class PassReport:
    schedule: ScheduleReport
    outbox: DrainReport | None  # None: no SMTP server configured, mail stays queued
    overdue_escalated: int = 0  # urgent alerts not acknowledged in time: admins emailed

    def summary(self) -> str:
        text = (
            f"reminders queued {self.schedule.reminders_queued}, "
            f"missed check-ins reported {self.schedule.missed_alerts}, "
            f"overdue urgent alerts escalated {self.overdue_escalated}"
        )
        if self.outbox is None:
            return text + "; mail not sent (NEEDLECARE_SMTP_URL is not set)"
        o = self.outbox
        return (
            text + f"; mail sent {o.sent}, to retry {o.retried}, failed {o.failed}, "
            f"cancelled {o.cancelled}"
        )


class Worker:
    def __init__(
        self,
        factory: sessionmaker[Session],
        settings: JobsSettings,
        *,
        transport: Transport | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self._factory = factory
        self._settings = settings
        self._transport = transport or (SmtpTransport(settings.smtp) if settings.smtp else None)
        self._clock = clock
        self._rng = rng or random.Random()

    def run_once(self) -> PassReport:
        """One pass: the schedule, then the outbox until nothing is due."""
        schedule = run_schedule(self._factory, self._settings, self._clock())
        escalated = notify_overdue_urgent(self._factory, self._clock())
        outbox = None
        if self._transport is not None:
            outbox = drain(
                self._factory, self._transport, self._settings, clock=self._clock, rng=self._rng
            )
        return PassReport(schedule, outbox, escalated)

    def run(self, stop: threading.Event) -> None:
        """Pass after pass until `stop` is set; sleeps the poll interval in between."""
        log.info("worker started (poll every %ss)", self._settings.poll_interval_s)
        while not stop.is_set():
            try:
                report = self.run_once()
                log.debug("worker pass: %s", report.summary())
            except Exception:
                log.exception("worker pass failed; trying again after the poll interval")
            stop.wait(self._settings.poll_interval_s)
        log.info("worker stopped")


@dataclass
class BackgroundWorker:
    thread: threading.Thread
    stop_event: threading.Event
    cleanup: Callable[[], None] | None = None

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to stop, wait for the current pass, then clean up (idempotent)."""
        self.stop_event.set()
        self.thread.join(timeout)
        cleanup, self.cleanup = self.cleanup, None
        if cleanup is not None:
            cleanup()


def start_background(worker: Worker, cleanup: Callable[[], None] | None = None) -> BackgroundWorker:
    """Run `worker` in a daemon thread (used by `needlecare serve`)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run, args=(stop,), name="needlecare-worker", daemon=True
    )
    thread.start()
    return BackgroundWorker(thread, stop, cleanup)
