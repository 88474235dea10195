"""The region drawing (static/roi.js) in Debian's Chromium: drag a box on the photo, the
fields fill in photo pixels, the photo is measured inside it, and the strict CSP holds."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from needlecare.services import auth, photo_upload
from needlecare.services.photo_files import PhotoFiles
from needlecare.storage.models import Photo
from needlecare.storage.uow import UnitOfWork
from needlecare.web.security import SESSION_COOKIE
from page_session import sign_session

from .conftest import skin_photo

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def live(app: FastAPI, tmp_path: Path) -> Iterator[str]:
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(tmp_path / name.lower())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


def test_drag_a_box_and_measure_inside_it(
    app: FastAPI, world: Any, uow: UnitOfWork, live: str, chromium: Any, tmp_path: Path
) -> None:
    actor = auth.principal_for_token(uow, world.pat.token)
    photo = photo_upload.upload_photo(
        uow,
        actor,
        world.patients["pat"],
        photo_upload.PhotoUpload(skin_photo(seed=80, spots=3)),
        files=PhotoFiles(app.state.settings.data_dir),
    ).photo
    session = {"uid": world.pat.user_id, "csrf": secrets.token_urlsafe(32)}
    cookie = sign_session(app.state.settings.secret_key, session)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live)
    context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": live}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"/photos/{photo.id}")
    layer = page.locator(".roi-layer")
    layer.wait_for(state="visible")
    shown = page.locator(".roi-stage img").bounding_box()
    assert shown is not None
    scale = shown["width"] / photo.width  # the photo (480 px wide) is shown scaled
    # Drag from photo pixel (100, 80) to (220, 280).
    page.mouse.move(shown["x"] + 100 * scale, shown["y"] + 80 * scale)
    page.mouse.down()
    page.mouse.move(shown["x"] + 160 * scale, shown["y"] + 180 * scale, steps=4)
    page.mouse.move(shown["x"] + 220 * scale, shown["y"] + 280 * scale, steps=4)
    page.mouse.up()
    values = [int(page.locator(f"#{name}").input_value()) for name in ("x", "y", "w", "h")]
    expected = [100, 80, 120, 200]
    assert all(abs(v - e) <= 2 for v, e in zip(values, expected, strict=True)), values
    assert page.locator(".roi-box").get_attribute("width") == str(values[2])

    page.get_by_role("button", name="Measure inside this box").click()
    page.wait_for_url(f"**/photos/{photo.id}")
    assert "Measured inside your box." in page.content()
    with uow:
        stored = uow.session.get(Photo, photo.id)
        assert stored is not None and stored.roi == values
        assert stored.analysis["roi"]["source"] == "manual"
    page.screenshot(path=str(tmp_path / "roi.png"))

    photo_upload.upload_photo(
        uow,
        actor,
        world.patients["pat"],
        photo_upload.PhotoUpload(skin_photo(seed=81, spots=1)),
        files=PhotoFiles(app.state.settings.data_dir),
    )
    page.goto("/photos")
    assert page.locator(".photo-col").count() == 2
    # The thumbnails load lazily: the page's load event does not wait for them (the check
    # raced them on a busy machine). A broken image never completes with a width: a timeout.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-col img')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=30_000,
    )
    assert page.locator(".photo-col img").evaluate_all(
        "imgs => imgs.every(i => i.naturalWidth > 0)"
    )
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
    context.close()
    assert not errors, errors  # a CSP violation would show up here
