"""Worker and mail settings from the environment (read when asked for, never at import).

NEEDLECARE_SMTP_URL        smtp://user:pass@host:587?starttls=1, smtps://host:465 (implicit
                           TLS) or smtp://host:25; login when a user is given. Unset: the
                           worker queues mail but sends nothing until it is set.
NEEDLECARE_MAIL_FROM       From address (default NeedleCare <needlecare@localhost>)
NEEDLECARE_BASE_URL        public URL of the web app, for links in emails
                           (default http://127.0.0.1:8000)
NEEDLECARE_WORKER_POLL_S   seconds between worker passes (default 30)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from needlecare.config import ConfigError

DEFAULT_FROM = "NeedleCare <needlecare@localhost>"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False  # smtps://
    starttls: bool = False
    timeout_s: float = 20.0


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


def parse_smtp_url(url: str) -> SmtpConfig:
    """smtp://[user[:pass]@]host[:port][?starttls=1] or smtps://...; clear error if malformed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError("NEEDLECARE_SMTP_URL must start with smtp:// or smtps://")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError("NEEDLECARE_SMTP_URL has a port that is not a number 1-65535") from None
    if not parts.hostname:
        raise ConfigError("NEEDLECARE_SMTP_URL names no host")
    query = {k: v[-1].strip().lower() for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"starttls", "timeout"}
    if unknown:
        raise ConfigError(f"NEEDLECARE_SMTP_URL: unknown option(s) {', '.join(sorted(unknown))}")
    starttls = query.get("starttls", "0")
    if starttls not in _TRUE | _FALSE:
        raise ConfigError("NEEDLECARE_SMTP_URL: starttls must be 1 or 0")
    implicit_tls = parts.scheme == "smtps"
    if implicit_tls and starttls in _TRUE:
        raise ConfigError("NEEDLECARE_SMTP_URL: smtps:// is already TLS; drop ?starttls=1")
    try:
        timeout = float(query.get("timeout", "20"))
    except ValueError:
        raise ConfigError("NEEDLECARE_SMTP_URL: timeout must be a number of seconds") from None
    if not 0 < timeout <= 300:
        raise ConfigError("NEEDLECARE_SMTP_URL: timeout must be between 0 and 300 seconds")
    return SmtpConfig(
        host=parts.hostname,
        port=port or (465 if implicit_tls else 587 if starttls in _TRUE else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=implicit_tls,
        starttls=starttls in _TRUE,
        timeout_s=timeout,
    )


def _check_from(value: str) -> str:
    name, address = parseaddr(value)
    user, _, domain = address.partition("@")
    if not user or not domain:
        raise ConfigError(f"NEEDLECARE_MAIL_FROM must be an email address, not {value!r}")
    return str(Address(display_name=name, username=user, domain=domain))


def load_jobs_settings(secret_key: str, env: Mapping[str, str] | None = None) -> JobsSettings:
    env = os.environ if env is None else env
    smtp_url = env.get("NEEDLECARE_SMTP_URL", "").strip()
    base_url = (env.get("NEEDLECARE_BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise ConfigError("NEEDLECARE_BASE_URL must be an http(s):// URL")
    try:
        poll = float(env.get("NEEDLECARE_WORKER_POLL_S") or 30)
    except ValueError:
        raise ConfigError("NEEDLECARE_WORKER_POLL_S must be a number of seconds") from None
    if not 0.05 <= poll <= 3600:
        raise ConfigError("NEEDLECARE_WORKER_POLL_S must be between 0.05 and 3600")
    return JobsSettings(
        secret_key=secret_key,
        smtp=parse_smtp_url(smtp_url) if smtp_url else None,
        mail_from=_check_from(env.get("NEEDLECARE_MAIL_FROM") or DEFAULT_FROM),
        base_url=base_url,
        poll_interval_s=poll,
    )
