"""Settings from the environment, read when asked for (never at import).

NEEDLECARE_DATA_DIR       where the embedded database and the secret key live (./needlecare-data)
NEEDLECARE_DATABASE_URL   SQLAlchemy URL; default: SQLite file in the data dir;
                          clinics use postgresql+psycopg://user:pass@host/db
NEEDLECARE_SECRET_KEY     signs session cookies; if absent, generated once into the data dir
NEEDLECARE_SECURE_COOKIES "1" when served behind TLS (adds Secure to the session cookie)
NEEDLECARE_TRUSTED_PROXIES comma-separated proxy addresses/CIDRs whose X-Forwarded-For/-Proto
                          are believed (client IP for rate limits; https -> Secure cookie)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A setting has a value NeedleCare cannot use."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    secure_cookies: bool = False
    session_max_age_s: int = 14 * 24 * 3600
    trusted_proxies: tuple[str, ...] = ()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def _read_or_create_secret(data_dir: Path) -> str:
    """Keep one random key per data dir, readable only by its owner (mode 0600)."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= 32:
            return key
        raise ConfigError(f"{path} holds a key shorter than 32 characters; delete it to regenerate")
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting together must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_or_create_secret(data_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


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


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read NEEDLECARE_* settings; creates the data dir and the secret key file if needed."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("NEEDLECARE_DATA_DIR") or "needlecare-data").resolve()
    _private_dir(data_dir)
    database_url = env.get("NEEDLECARE_DATABASE_URL") or f"sqlite:///{data_dir / 'needlecare.db'}"
    if not env.get("NEEDLECARE_DATABASE_URL"):
        _private_file(data_dir / "needlecare.db")
    if not database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            "NEEDLECARE_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL"
        )
    secret_key = env.get("NEEDLECARE_SECRET_KEY") or _read_or_create_secret(data_dir)
    if len(secret_key) < 32:
        raise ConfigError("NEEDLECARE_SECRET_KEY must be at least 32 characters")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        secure_cookies=_env_bool(env, "NEEDLECARE_SECURE_COOKIES", False),
        trusted_proxies=tuple(
            p.strip() for p in env.get("NEEDLECARE_TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
    )
