"""A real server (uvicorn, in a thread, on a free loopback port) and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from needlecare.config import load_settings
from needlecare.storage.migrate import upgrade
from needlecare.web.app import create_app
from pages.seed import PASSWORD, World, seed_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Server:
    url: str
    world: World
    password: str = PASSWORD
    # The server's own sessions, for tests that seed more data through the services.
    session_factory: Any = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory)


def serve(tmp_path_factory: pytest.TempPathFactory, **overrides: Any) -> Iterator[Server]:
    """Start the app on a free port (settings `overrides` by field name), yield, stop it; a
    module that needs a setting on defines its own `server` fixture with this."""
    import uvicorn

    data_dir = tmp_path_factory.mktemp("data")
    settings = load_settings(data_dir=data_dir, **overrides)
    upgrade(settings.database_url)
    app = create_app(settings)
    world = seed_world(app.state.session_factory)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield Server(
        url=f"http://127.0.0.1:{port}", world=world, session_factory=app.state.session_factory
    )
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    home = tmp_path_factory.mktemp("chromium-home")
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(home / name.lower())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots land here (and in $NEEDLECARE_SCREENSHOTS if set, to look at them)."""
    target = os.environ.get("NEEDLECARE_SCREENSHOTS")
    if target:
        path = Path(target)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def phone(browser: object, server: Server) -> Iterator[object]:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,  # type: ignore[attr-defined]
        has_touch=True,
        base_url=server.url,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # a test that visits a 404 on purpose clears its entry
    yield page
    context.close()
    # CSP violations and script errors show up on the console: none is acceptable.
    assert not errors, errors


@pytest.fixture
def desk(browser: object, server: Server) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors
