"""NEEDLECARE_SMTP_URL and friends: parsed strictly, refused with a clear message."""

from __future__ import annotations

import pytest

from needlecare.config import ConfigError, Settings, SmtpConfig, parse_smtp_url
from needlecare.jobs.settings import jobs_settings

KEY = "k" * 40


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://localhost", SmtpConfig("localhost", 25)),
        ("smtp://mail.example.org:2525", SmtpConfig("mail.example.org", 2525)),
        (
            "smtp://ann%40clinic:p%40ss%3Aword@mail.example.org?starttls=1",
            SmtpConfig("mail.example.org", 587, "ann@clinic", "p@ss:word", starttls=True),
        ),
        (
            "smtps://u:p@mail.example.org",
            SmtpConfig("mail.example.org", 465, "u", "p", implicit_tls=True),
        ),
        ("smtp://h:26?timeout=5", SmtpConfig("h", 26, timeout_s=5.0)),
    ],
)
def test_smtp_urls_are_understood(url: str, expected: SmtpConfig) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.org", "smtp:// or smtps://"),
        ("smtp://", "no host"),
        ("smtp://h:99999", "port"),
        ("smtp://h?starttls=maybe", "starttls"),
        ("smtps://h?starttls=1", "already TLS"),
        ("smtp://h?tls=1", "unknown option"),
        ("smtp://h?timeout=0", "timeout"),
    ],
)
def test_bad_smtp_urls_are_refused_clearly(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_smtp_url(url)


def test_the_password_never_shows_in_the_settings_repr(tmp_path) -> None:
    assert "s3cret" not in repr(parse_smtp_url("smtp://u:s3cret@h"))
    settings = Settings(data_dir=tmp_path, secret_key=KEY, smtp_url="smtp://u:s3cret@h")
    assert KEY not in repr(jobs_settings(settings)) and "s3cret" not in repr(settings)


def test_the_worker_view_carries_the_settings(tmp_path) -> None:
    defaults = jobs_settings(Settings(data_dir=tmp_path, secret_key=KEY))
    assert defaults.smtp is None and defaults.base_url == "http://127.0.0.1:8000"
    assert defaults.poll_interval_s == 30.0 and defaults.secret_key == KEY
    chosen = jobs_settings(
        Settings(
            data_dir=tmp_path,
            secret_key=KEY,
            mail_from="Care <care@clinic.example>",
            base_url="https://care.example.org/",
            worker_poll_s=5,
            smtp_url="smtp://h:26",
        )
    )
    assert chosen.mail_domain == "clinic.example"
    assert chosen.base_url == "https://care.example.org"
    assert (chosen.poll_interval_s, chosen.smtp) == (5.0, SmtpConfig("h", 26))


def test_email_html_escapes_what_people_typed_and_text_keeps_it_verbatim() -> None:
    from needlecare.jobs.emails import _render

    text, html = _render(
        "reminder",
        {
            "name": "Robin <script>x</script>",
            "day": 3,
            "clinic": "Alder & Co",
            "checkin_url": "https://care.example.org/checkin",
            "pause_url": "https://care.example.org/reminders/pause/t",
        },
    )
    assert "Robin &lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert "Alder &amp; Co" in html
    assert "Hello Robin <script>x</script>," in text and "Alder & Co" in text
