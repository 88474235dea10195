"""The worker's knobs: what it reads from the settings plus its fixed timings.

Everything read from the environment lives in `needlecare.config.Settings`; this module only
adds the constants (lease, retries) that are not settings, in one frozen value the jobs pass
around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from needlecare.config import DEFAULT_BASE_URL, DEFAULT_FROM, Settings, SmtpConfig


@dataclass(frozen=True)
class JobsSettings:
    secret_key: str = field(repr=False)
    smtp: SmtpConfig | None = None
    mail_from: str = DEFAULT_FROM
    base_url: str = DEFAULT_BASE_URL
    poll_interval_s: float = 30.0
    batch_size: int = 10
    # A claimed message whose worker vanished is taken over after this long.
    lease: timedelta = timedelta(minutes=10)
    # 4xx answers this many times in a row make a message fail for good; a server that
    # cannot be reached at all never does (the message waits for it).
    max_attempts: int = 20
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(hours=1)
    # A reminder the worker notices later than this is not sent ("check in today" at midnight).
    reminder_max_lateness: timedelta = timedelta(hours=6)

    @property
    def mail_domain(self) -> str:
        return parseaddr(self.mail_from)[1].rpartition("@")[2] or "localhost"


def jobs_settings(settings: Settings) -> JobsSettings:
    """The worker's view of the settings (validated when `settings` was read)."""
    return JobsSettings(
        secret_key=settings.secret_key,
        smtp=settings.smtp,
        mail_from=settings.mail_from,
        base_url=settings.base_url,
        poll_interval_s=settings.worker_poll_s,
    )
