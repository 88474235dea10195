"""Password hashing (argon2id) and the rules a new password must meet.

Rules per NIST SP 800-63B (rev. 3, 5.1.1.2): at least 8 characters, at most 256 (>= 64), any
printable Unicode including spaces, no composition rules, no forced rotation, and the password
must not be on a list of commonly used passwords or name this service or the user's own email.
(Rev. 4 asks 15 characters for a password that is the only factor; we keep 8 with the
blocklist and login throttling, see docs/threat-model.md.)"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from needlecare.services.errors import Invalid

MIN_PASSWORD_LENGTH = 8  # NIST SP 800-63B minimum for a user-chosen secret
MAX_PASSWORD_LENGTH = 256


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# A fixed hash to verify against when the email is unknown, so timing does not reveal it.
_DUMMY_HASH: list[str] = []


def burn_time_like_a_verify(password: str) -> None:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not-a-real-password"))
    verify_password(_DUMMY_HASH[0], password)


SERVICE_WORDS = frozenset({"needlecare", "microneedling", "dermaroller"})


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = (files("needlecare.services") / "data" / "common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line)


def check_new_password(password: str, field: str = "password", email: str | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field(field, f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid.field(field, f"use at most {MAX_PASSWORD_LENGTH} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in password):
        raise Invalid.field(field, "use letters, digits, spaces or symbols (no control characters)")
    folded = password.strip().lower()
    local_part = (email or "").split("@")[0].lower()
    if (
        folded in common_passwords()
        or folded in SERVICE_WORDS
        or (len(local_part) >= 3 and folded in (local_part, (email or "").lower()))
    ):
        raise Invalid.field(
            field, "this password is too common or easy to guess; choose a longer, unusual one"
        )
