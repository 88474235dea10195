"""The SMTP client itself: login, STARTTLS with certificate checks, and how answers are
sorted into transient and permanent failures."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from needlecare.config import parse_smtp_url
from needlecare.jobs.smtp import DeliveryError, SmtpTransport

from .conftest import Recorder, free_port


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Hi"
    message.set_content("hello")
    return message


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"clinic@example.org",
        b"p@ss:word",
    )
    return AuthResult(success=ok)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[int, Recorder]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    handler, port = Recorder(), free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    controller.start()
    yield port, handler
    controller.stop()


def test_starttls_and_login_deliver_when_the_certificate_is_trusted(
    tls_server: tuple[int, Recorder],
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, handler = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    url = f"smtp://clinic%40example.org:p%40ss%3Aword@127.0.0.1:{port}?starttls=1"
    transport = SmtpTransport(parse_smtp_url(url))
    transport.send(_message())
    transport.send(_message())  # the connection is reused
    transport.close()
    assert len(handler.messages) == 2


def test_an_untrusted_certificate_is_refused_and_retried_later(
    tls_server: tuple[int, Recorder],
) -> None:
    port, handler = tls_server
    transport = SmtpTransport(parse_smtp_url(f"smtp://u:p@127.0.0.1:{port}?starttls=1"))
    with pytest.raises(DeliveryError) as caught:
        transport.send(_message())
    assert not caught.value.permanent and not caught.value.reached_server
    assert handler.messages == []
