"""All settings, in one class read from NEEDLECARE_* environment variables (never at import).

NEEDLECARE_DATA_DIR        where the embedded database and the secret key live (./needlecare-data)
NEEDLECARE_DATABASE_URL    SQLAlchemy URL; default: SQLite file in the data dir; clinics use
                           postgresql+psycopg://user:pass@host/db (needs needlecare[postgresql])
NEEDLECARE_SECRET_KEY      signs session cookies; if absent, generated once into the data dir
NEEDLECARE_SECURE_COOKIES  1 when served behind TLS (adds Secure to the session cookie)
NEEDLECARE_SESSION_MAX_AGE_S  lifetime of a login session in seconds (default 14 days)
NEEDLECARE_TRUSTED_PROXIES comma-separated proxy addresses/CIDRs whose X-Forwarded-For/-Proto
                           are believed (client IP for rate limits; https -> Secure cookie)
NEEDLECARE_SMTP_URL        smtp://user:pass@host:587?starttls=1, smtps://host:465 (implicit
                           TLS) or smtp://host:25; login when a user is given. Unset: the
                           worker queues mail but sends nothing until it is set.
NEEDLECARE_MAIL_FROM       From address (default NeedleCare <needlecare@localhost>)
NEEDLECARE_BASE_URL        public URL of the web app, for links in emails
NEEDLECARE_WORKER_POLL_S   seconds between worker passes (default 30)
NEEDLECARE_LOG_LEVEL       DEBUG, INFO (default), WARNING or ERROR
NEEDLECARE_METRICS_TOKEN   bearer token that opens /metrics to other hosts (default: loopback only)
NEEDLECARE_CLINIC_SIGNUP   1 lets anyone create a new clinic from /signup/clinic (default 0:
                           the operator runs `needlecare clinic create`)

An empty variable counts as unset. A bad value stops the program with a message that names
the variable (ConfigError), never a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)
ENV_PREFIX = "NEEDLECARE_"
DEFAULT_FROM = "NeedleCare <needlecare@localhost>"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting has a value NeedleCare cannot use."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False  # smtps://
    starttls: bool = False
    timeout_s: float = 20.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True, extra="ignore"
    )

    data_dir: Path = Path("needlecare-data")
    database_url: str = ""  # empty: the SQLite file in the data dir
    secret_key: str = Field(default="", repr=False)  # empty: the key file in the data dir
    secure_cookies: bool = False
    session_max_age_s: int = Field(default=14 * 24 * 3600, ge=300)
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    smtp_url: str = Field(default="", repr=False)  # may hold a password
    mail_from: str = DEFAULT_FROM
    base_url: str = DEFAULT_BASE_URL
    worker_poll_s: float = Field(default=30.0, ge=0.05, le=3600)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_token: str = Field(default="", repr=False)
    clinic_signup: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def smtp(self) -> SmtpConfig | None:
        return parse_smtp_url(self.smtp_url) if self.smtp_url else None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp(cls, value: str) -> str:
        if value.strip():
            parse_smtp_url(value)
        return value.strip()

    @field_validator("mail_from")
    @classmethod
    def _check_from(cls, value: str) -> str:
        name, address = parseaddr(value)
        user, _, domain = address.partition("@")
        if not user or not domain:
            raise ValueError(f"must be an email address, not {value!r}")
        return str(Address(display_name=name, username=user, domain=domain))

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s):// URL")
        return value

    @model_validator(mode="before")
    @classmethod
    def _fill_from_the_data_dir(cls, values: Any) -> Any:
        """The data dir holds the default database and the generated key: create them here."""
        if not isinstance(values, dict):
            return values
        data_dir = Path(values.get("data_dir") or "needlecare-data").resolve()
        _private_dir(data_dir)
        database_url = str(values.get("database_url") or f"sqlite:///{data_dir / 'needlecare.db'}")
        if not values.get("database_url"):
            _private_file(data_dir / "needlecare.db")
        if not database_url.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "NEEDLECARE_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL"
            )
        if database_url.startswith("postgresql") and importlib.util.find_spec("psycopg") is None:
            raise ValueError(
                "NEEDLECARE_DATABASE_URL is PostgreSQL but its driver is not installed: "
                "pip install 'needlecare[postgresql]'"
            )
        secret_key = str(values.get("secret_key") or _read_or_create_secret(data_dir))
        if len(secret_key) < 32:
            raise ValueError("NEEDLECARE_SECRET_KEY must be at least 32 characters")
        return {
            **values,
            "data_dir": data_dir,
            "database_url": database_url,
            "secret_key": secret_key,
        }


def load_settings(**overrides: Any) -> Settings:
    """Read NEEDLECARE_* settings (`overrides`, by field name, win over the environment).

    Creates the data dir and the secret key file if needed; a bad value raises ConfigError
    naming the environment variable.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None


def _explain(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = "_".join(str(part) for part in error["loc"]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        named = where and not message.startswith(ENV_PREFIX)
        lines.append(f"{ENV_PREFIX}{where}: {message}" if named else message)
    return "; ".join(lines)


def _read_or_create_secret(data_dir: Path) -> str:
    """Keep one random key per data dir, readable only by its owner (mode 0600)."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= 32:
            return key
        raise ValueError(f"{path} holds a key shorter than 32 characters; delete it to regenerate")
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting together must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_or_create_secret(data_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


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


def _private_dir(path: Path) -> None:
    """The data dir holds the database, photos and the secret key: owner only (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)


def _private_file(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use 0644 less the umask);
    its -wal and -shm files take the database file's mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o600)
