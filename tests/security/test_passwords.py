"""Password rules per NIST SP 800-63B: length, blocklist, no composition rules, any Unicode."""

from __future__ import annotations

import pytest

from needlecare.services.errors import Invalid
from needlecare.services.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_new_password,
    common_passwords,
)


@pytest.mark.parametrize(
    "password",
    [
        "lowercase only words",  # no composition rules
        "aaaaaaaabbbbbbbb zz",
        "pässwörd 🙂 mit Leerzeichen",  # any printable Unicode and spaces
        "密码很长很安全的句子",
        "x" * MIN_PASSWORD_LENGTH + "9",
        "y" * 64,  # NIST: allow at least 64
        "z" * MAX_PASSWORD_LENGTH,
    ],
)
def test_accepted(password: str) -> None:
    check_new_password(password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8"),
        ("x" * (MAX_PASSWORD_LENGTH + 1), "at most"),
        ("password123", "too common"),
        ("Iloveyou1", "too common"),  # compared case-insensitively
        ("qwertyuiop", "too common"),
        ("NeedleCare", "too common"),  # the service's own name
        ("tab\there ok", "control characters"),
    ],
)
def test_rejected(password: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        check_new_password(password)


def test_the_users_own_email_is_rejected() -> None:
    with pytest.raises(Invalid, match="too common"):
        check_new_password("paula.smith", email="paula.smith@example.org")
    check_new_password("paula.smith", email="someone@example.org")


def test_the_packaged_blocklist_is_loaded() -> None:
    words = common_passwords()
    assert len(words) > 8000
    assert all(len(w) >= MIN_PASSWORD_LENGTH and w == w.lower() for w in words)


def test_registration_refuses_a_common_password(client) -> None:  # type: ignore[no-untyped-def]
    body = {"email": "new@example.org", "password": "password123", "display_name": "New"}
    response = client.post("/api/v1/register", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"
