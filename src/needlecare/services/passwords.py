"""Password hashing (argon2id) and the rules a new password must meet.

Rules per NIST SP 800-63B rev. 4 (2024, 3.1.1.2) for a password that is the only factor (we
have no second factor): at least 15 characters, at most 256 (>= 64 required), any printable
ASCII or Unicode including spaces, normalised to NFKC and counted in code points, no
composition rules, no forced rotation, and not on a blocklist: common passwords (also with
digits or symbols added around them, or repeated), short repeated patterns, this service's
name, the user's own email. The rules apply when a password is set; existing passwords keep
working (login only verifies)."""

from __future__ import annotations

import string
import unicodedata
from functools import lru_cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from needlecare.services import budget
from needlecare.services.errors import Invalid

MIN_PASSWORD_LENGTH = 15  # NIST SP 800-63B rev. 4: single-factor passwords (8 only with MFA)
MAX_PASSWORD_LENGTH = 256


def normalize(password: str) -> str:
    """NFKC, as rev. 4 recommends, so the same password typed on another keyboard matches."""
    return unicodedata.normalize("NFKC", password)


ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1
"""argon2id at the first of the equivalent minimum configurations in OWASP's Password Storage
Cheat Sheet (m=19 MiB, t=2, p=1; see docs/threat-model.md). argon2-cffi's default (m=64 MiB,
t=3, p=4) cost about 8 times the CPU per login for no protection OWASP asks for. Hashes made
with other parameters still verify and are replaced on the next successful login
(`needs_rehash`)."""


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
    )


# Callers run in FastAPI's thread pool, never in the event loop.


def hash_password(password: str) -> str:
    # Each argon2 run takes 19 MiB and tens of ms of one core: on the process's few password
    # threads (budget.run), 503 when too many wait, so a login flood neither takes every
    # worker thread nor leaves 19 MiB behind in each thread's malloc arena.
    return budget.run("password", _hasher().hash, normalize(password))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return budget.run("password", _hasher().verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash: str, password: str) -> bool:
    normal = normalize(password)
    # Hashes made before NFKC normalisation hold the password exactly as typed.
    return _verify(password_hash, normal) or (
        normal != password and _verify(password_hash, password)
    )


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


_EDGES = string.digits + string.punctuation + " "


def _guessable(folded: str) -> bool:
    """A common password (or one merely padded with digits/symbols), or a repeated pattern."""
    n = len(folded)
    unit = next((folded[:k] for k in range(1, n // 2 + 1) if folded[:k] * (n // k) == folded), "")
    if unit and len(unit) <= 4:
        return True  # "aaaa…", "abcabc…", "12341234…"
    candidates = {folded, folded.strip(_EDGES), unit, unit.strip(_EDGES)} - {""}
    return any(c in common_passwords() or c in SERVICE_WORDS for c in candidates)


def check_new_password(password: str, field: str = "password", email: str | None = None) -> None:
    password = normalize(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field(field, f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid.field(field, f"use at most {MAX_PASSWORD_LENGTH} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in password):
        raise Invalid.field(field, "use letters, digits, spaces or symbols (no control characters)")
    folded = password.strip().casefold()
    email = normalize(email or "").casefold()
    local_part = email.split("@")[0]
    if _guessable(folded) or (len(local_part) >= 3 and folded.strip(_EDGES) in (local_part, email)):
        raise Invalid.field(
            field, "this password is too common or easy to guess; choose a longer, unusual one"
        )
