"""`needlecare worker --once` end to end, and clear errors for bad settings."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from needlecare.cli import app

from .conftest import SmtpServer, outbox
from .helpers import URGENT, check_in


def _env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "NEEDLECARE_DATABASE_URL": database_url,
        "NEEDLECARE_DATA_DIR": str(tmp_path),
        "NEEDLECARE_SECRET_KEY": "cli-test-secret-key-long-enough-0123456789",
        **extra,
    }


def test_worker_once_sends_what_is_queued(
    database_url: str, tmp_path: Path, factory, world, smtp_server: SmtpServer
) -> None:
    from datetime import UTC, datetime

    check_in(
        factory,
        world.alice.user_id,
        world.patients["quinn"],
        world.treatments["quinn"],
        datetime.now(UTC),
        URGENT,
    )
    env = _env(database_url, tmp_path, NEEDLECARE_SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}")
    result = CliRunner().invoke(app, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "mail sent 2" in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == ["alice@example.org", "bob@example.org"]
    assert len(outbox(factory)) == 2


def test_worker_refuses_a_bad_smtp_url_without_a_traceback(tmp_path: Path) -> None:
    env = _env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, NEEDLECARE_SMTP_URL="smtp://h:notaport")
    result = CliRunner().invoke(app, ["worker", "--once"], env=env)
    assert result.exit_code == 2
    assert "NEEDLECARE_SMTP_URL" in result.output and "Traceback" not in result.output


def test_worker_on_an_empty_database_says_to_migrate(tmp_path: Path) -> None:
    env = _env(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    result = CliRunner().invoke(app, ["worker", "--once"], env=env)
    assert result.exit_code == 1
    assert "needlecare db upgrade" in result.output


def test_serve_runs_the_worker_in_a_background_thread(
    database_url: str,
    tmp_path: Path,
    factory,
    world,
    smtp_server: SmtpServer,
    settings,
) -> None:
    import time
    from datetime import UTC, datetime

    from needlecare.cli.worker import start_in_serve

    smtp_url = f"smtp://127.0.0.1:{smtp_server.port}"
    mailing = type(settings)(
        **{**settings.model_dump(), "smtp_url": smtp_url, "worker_poll_s": 0.1}
    )
    background = start_in_serve(mailing)
    try:
        assert background.thread.is_alive() and background.thread.daemon
        check_in(
            factory,
            world.alice.user_id,
            world.patients["quinn"],
            world.treatments["quinn"],
            datetime.now(UTC),
            URGENT,
        )
        deadline = time.monotonic() + 30
        while len(smtp_server.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        background.stop(timeout=10)
    assert not background.thread.is_alive()
    assert sorted(m["To"] for m in smtp_server.messages) == ["alice@example.org", "bob@example.org"]


def test_serve_has_a_no_worker_switch() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--no-worker" in result.output
