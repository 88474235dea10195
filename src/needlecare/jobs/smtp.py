"""The SMTP transport (smtplib): one connection reused across a batch, errors sorted into
transient (try again later) and permanent (the recipient's server said no for good)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from needlecare.config import SmtpConfig


class DeliveryError(Exception):
    """`permanent`: do not try again. `reached_server`: the server answered (a 4xx counts as
    an attempt; an unreachable server does not, so an outage never exhausts the retries)."""

    def __init__(self, message: str, *, permanent: bool, reached_server: bool) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reached_server = reached_server


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _answer(code: int, text: bytes | str, stage: str, *, permanent_5xx: bool) -> DeliveryError:
    return DeliveryError(
        f"{stage}: {code} {_text(text)}"[:500],
        permanent=permanent_5xx and 500 <= code < 600,
        reached_server=True,
    )


class SmtpTransport:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        cfg = self._config
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if cfg.implicit_tls:
            connection = smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout_s, context=context
            )
        else:
            connection = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_s)
        try:
            connection.ehlo()
            if cfg.starttls:
                connection.starttls(context=context)
                connection.ehlo()
            if cfg.username:
                connection.login(cfg.username, cfg.password or "")
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def send(self, message: EmailMessage) -> None:
        try:
            self._connect().send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            # One recipient per message: its answer is the answer.
            code, text = next(iter(exc.recipients.values()))
            self._reset()
            raise _answer(code, text, "recipient refused", permanent_5xx=True) from exc
        except smtplib.SMTPDataError as exc:
            self._reset()
            raise _answer(
                exc.smtp_code, exc.smtp_error, "message refused", permanent_5xx=True
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # Sender refused, login refused, ...: our set-up, not this message; keep it.
            self.close()
            raise _answer(
                exc.smtp_code, exc.smtp_error, "server refused", permanent_5xx=False
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # Refused connection, timeout, TLS failure, dropped link: the outcome may be unknown;
            # the retry carries the same Message-ID.
            self.close()
            raise DeliveryError(
                f"SMTP server unreachable: {exc.__class__.__name__}: {exc}"[:500],
                permanent=False,
                reached_server=False,
            ) from exc

    def _reset(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
