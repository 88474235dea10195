"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from functools import lru_cache

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


def check_new_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field(field, f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid.field(field, f"use at most {MAX_PASSWORD_LENGTH} characters")
