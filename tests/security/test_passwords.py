"""Password rules per NIST SP 800-63B rev. 4 (single factor): 15+ characters, blocklist, no
composition rules, any Unicode (NFKC), rules only when a password is set."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from argon2 import PasswordHasher, extract_parameters

from needlecare import demo
from needlecare.services import auth
from needlecare.services.errors import Invalid, Unauthorized
from needlecare.services.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_new_password,
    common_passwords,
    hash_password,
    verify_password,
)
from needlecare.storage.models import User
from needlecare.storage.uow import UnitOfWork

SENTENCE = "a long passphrase is fine "


def test_the_minimum_is_rev_4s_for_a_password_used_alone() -> None:
    assert MIN_PASSWORD_LENGTH == 15
    assert MAX_PASSWORD_LENGTH >= 64


@pytest.mark.parametrize(
    "password",
    [
        "lowercase only words",  # no composition rules
        "fifteen chars!!",  # exactly the minimum
        "aaaaaaaabbbbbbbb zz",
        "pässwörd 🙂 mit Leerzeichen",  # any printable Unicode and spaces
        "密码很长很安全的句子也很好记住吧",
        (SENTENCE * 3)[:64],  # NIST: allow at least 64
        (SENTENCE * 10)[:MAX_PASSWORD_LENGTH],
    ],
)
def test_accepted(password: str) -> None:
    check_new_password(password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 15"),
        ("fourteen chars", "at least 15"),  # rev. 3's 8 was enough; rev. 4 is not
        ("x" * (MAX_PASSWORD_LENGTH + 1), "at most"),
        ("1q2w3e4r5t6y7u8i9o0p", "too common"),  # on the list as it is
        ("Password1234567", "too common"),  # compared case-insensitively, digits padded
        ("!!iloveyou!!2024", "too common"),
        ("qwertyuiopqwertyuiop", "too common"),  # a listed password repeated
        ("abcabcabcabcabcabc", "too common"),  # a short pattern repeated
        ("a" * MIN_PASSWORD_LENGTH, "too common"),
        ("NeedleCare2026!!", "too common"),  # the service's own name
        ("tab\there is not ok", "control characters"),
    ],
)
def test_rejected(password: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        check_new_password(password)


def test_the_users_own_email_is_rejected() -> None:
    for password in ("paula.smith@example.org", "paula.smith2024!!"):
        with pytest.raises(Invalid, match="too common"):
            check_new_password(password, email="paula.smith@example.org")
    check_new_password("paula.smith2024!!", email="someone@example.org")


def test_the_packaged_blocklist_is_loaded_and_used_below_the_minimum_too() -> None:
    words = common_passwords()
    assert len(words) > 8000
    assert all(len(w) >= 8 and w == w.lower() for w in words)
    # Most entries are shorter than 15: they still count once padded or repeated.
    assert "qwertyuiop" in words and len("qwertyuiop") < MIN_PASSWORD_LENGTH
    with pytest.raises(Invalid, match="too common"):
        check_new_password("qwertyuiop12345")


def test_length_counts_code_points_after_nfkc() -> None:
    # 15 full-width letters are 15 characters; a decomposed "é" counts once.
    check_new_password("ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ")
    with pytest.raises(Invalid, match="at least 15"):
        check_new_password(unicodedata.normalize("NFD", "écrit à côté é"))  # 14 after NFKC


def test_the_same_password_in_another_unicode_form_verifies() -> None:
    stored = hash_password(unicodedata.normalize("NFD", "Crème brûlée au café"))
    assert verify_password(stored, unicodedata.normalize("NFC", "Crème brûlée au café"))
    assert verify_password(hash_password("ｆｕｌｌ ｗｉｄｔｈ ｐａｓｓ"), "full width pass")
    assert not verify_password(stored, "Creme brulee au cafe")


def test_a_hash_made_before_normalisation_still_verifies() -> None:
    typed = "ｆｕｌｌ ｗｉｄｔｈ ｂｅｆｏｒｅ"  # not NFKC-stable; hashed as typed before
    legacy = PasswordHasher().hash(typed)
    assert verify_password(legacy, typed)
    assert not verify_password(legacy, "something else entirely")


def test_new_hashes_use_an_owasp_argon2id_configuration() -> None:
    """OWASP Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1 at least."""
    parameters = extract_parameters(hash_password("a long passphrase is fine here"))
    assert parameters.type.name == "ID"
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        19 * 1024,
        2,
        1,
    )


def _stored_hash(uow: UnitOfWork, user_id: int) -> str:
    with uow.reading():
        user = uow.session.get(User, user_id)
        assert user is not None
        return user.password_hash


def test_a_login_replaces_a_hash_made_with_other_parameters(uow: UnitOfWork, world: Any) -> None:
    """Hashes made with argon2-cffi's defaults (m=64 MiB, t=3, p=4) keep working and are
    rehashed with the current parameters on the next successful login, once."""
    bob = world.bob
    old = PasswordHasher().hash(bob.password)
    with uow:
        user = uow.session.get(User, bob.user_id)
        assert user is not None
        user.password_hash = old
        uow.commit()
    with pytest.raises(Unauthorized):  # a failed login changes nothing
        auth.authenticate(uow, bob.email, "not the password")
    assert _stored_hash(uow, bob.user_id) == old
    assert auth.authenticate(uow, bob.email, bob.password).user_id == bob.user_id
    new = _stored_hash(uow, bob.user_id)
    assert extract_parameters(new).memory_cost == 19 * 1024
    assert verify_password(new, bob.password)
    auth.authenticate(uow, bob.email, bob.password)
    assert _stored_hash(uow, bob.user_id) == new


def test_existing_shorter_passwords_keep_working(uow: UnitOfWork, world: Any) -> None:
    """The rules apply when a password is set; a login only verifies."""
    assert len(world.bob.password) < MIN_PASSWORD_LENGTH
    assert auth.authenticate(uow, world.bob.email, world.bob.password).user_id == world.bob.user_id


def test_the_demo_passwords_meet_the_rules() -> None:
    """They are printed at start-up as examples, so they should be passwords we would accept."""
    for email, password in (demo.ADMIN, demo.CLINICIAN, demo.PATIENT):
        check_new_password(password, email=email)


def test_registration_refuses_a_short_or_common_password(client) -> None:  # type: ignore[no-untyped-def]
    for password, message in (
        ("fourteen chars", "at least 15"),
        ("password12345678", "too common"),
    ):
        body = {"email": "new@example.org", "password": password, "display_name": "New"}
        response = client.post("/api/v1/register", json=body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "password"
        assert message in response.json()["errors"][0]["message"]
