"""Issue 19 in Chromium: a clinic onboarded from the CLI's one-time link (laptop), a password
reset through the local SMTP test server (phone), and axe (any impact) on every new page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from typer.testing import CliRunner

from jobs.conftest import SmtpServer
from needlecare.cli import app as cli_app

from .conftest import Server
from .test_browser_flows import _any_violation, log_in, log_out

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
NEW_PASSWORD = "lanterns over the quiet bay 8"


def _env(server: Server, **extra: str) -> dict[str, str]:
    """The CLI against the running server's database and secret key (its data dir)."""
    url = server.session_factory.kw["bind"].url
    return {
        "NEEDLECARE_DATA_DIR": str(Path(url.database).parent),
        "NEEDLECARE_BASE_URL": server.url,
        **extra,
    }


def test_a_clinic_onboarded_from_the_cli_link(browser: Any, server: Server, shots: Path) -> None:
    made = CliRunner().invoke(
        cli_app,
        ["clinic", "create", "--name", "Rowan Skin Studio", "--admin-email", "rae@rowan.test",
         "--admin-name", "Rae Rowan"],
        env=_env(server),
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    link = made.output.strip().splitlines()[-1]
    assert link.startswith(f"{server.url}/account/password/")
    problems: dict[str, list[str]] = {}
    axe = Axe()
    desk = browser.new_context(viewport=LAPTOP, base_url=server.url).new_page()
    desk.goto(link)
    assert desk.get_by_role("heading", name="Set your password").is_visible()
    assert desk.get_by_text("Rowan Skin Studio").is_visible()
    problems["/account/password (new admin)"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-onboarding-set-password.png", full_page=True)
    desk.get_by_label("New password").fill("short")
    desk.get_by_role("button", name="Set password").click()
    desk.wait_for_load_state()
    assert desk.locator("#password-error").is_visible()
    problems["/account/password (error)"] = _any_violation(axe.run(desk))
    desk.get_by_label("New password").fill(NEW_PASSWORD)
    desk.get_by_role("button", name="Set password").click()
    desk.wait_for_url("**/clinic/settings")
    assert desk.get_by_text("Welcome, Rae Rowan").is_visible()
    desk.get_by_label("Phone patients can call").fill("+44 20 7946 0000")
    desk.get_by_label("Time zone").select_option("Europe/London")
    desk.get_by_role("button", name="Save").click()
    desk.wait_for_url("**/clinic/settings")
    assert desk.get_by_label("Time zone").input_value() == "Europe/London"
    problems["/clinic/settings (new clinic)"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-onboarding-settings.png", full_page=True)
    desk.goto("/clinic/staff")
    assert desk.get_by_role("cell", name=re.compile("^Rae Rowan \\(you\\)")).is_visible()
    problems["/clinic/staff"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-staff.png", full_page=True)
    desk.goto("/clinic/audit")
    assert desk.locator("td code", has_text="clinic.update").first.is_visible()
    problems["/clinic/audit"] = _any_violation(axe.run(desk))
    desk.goto("/clinic/audit?from=not-a-date")
    problems["/clinic/audit (error)"] = _any_violation(axe.run(desk))
    desk.screenshot(path=shots / "laptop-audit.png", full_page=True)
    # The link worked once.
    desk.context.clear_cookies()
    desk.goto(link)
    assert desk.get_by_text("expired or was already used").is_visible()
    desk.context.close()
    assert {page: found for page, found in problems.items() if found} == {}


def test_password_reset_through_the_local_smtp_server(
    phone: Any, server: Server, shots: Path
) -> None:
    smtp = SmtpServer()
    smtp.start()
    try:
        axe = Axe()
        problems: dict[str, list[str]] = {}
        phone.goto("/login")
        phone.get_by_role("link", name="Forgot your password?").click()
        phone.wait_for_url("**/password/forgot")
        problems["/password/forgot"] = _any_violation(axe.run(phone))
        phone.get_by_label("Email").fill(server.world.patient_a)
        phone.get_by_role("button", name="Email me a link").click()
        phone.wait_for_load_state()
        assert phone.get_by_role("status").is_visible()
        problems["/password/forgot (sent)"] = _any_violation(axe.run(phone))
        phone.screenshot(path=shots / "phone-forgot-sent.png", full_page=True)

        env = _env(server, NEEDLECARE_SMTP_URL=f"smtp://127.0.0.1:{smtp.port}")
        sent = CliRunner().invoke(cli_app, ["worker", "--once"], env=env)
        assert sent.exit_code == 0, sent.output
        mail = [m for m in smtp.messages if m["To"] == server.world.patient_a]
        assert len(mail) == 1 and mail[0]["Subject"] == "Set a new NeedleCare password"
        body = mail[0].get_body(("plain",))
        assert body is not None
        link = re.search(r"https?://\S+/account/password/\S+", body.get_content())
        assert link is not None

        phone.goto(link.group(0))
        assert phone.get_by_role("heading", name="Choose a new password").is_visible()
        problems["/account/password (reset)"] = _any_violation(axe.run(phone))
        phone.screenshot(path=shots / "phone-reset-password.png", full_page=True)
        phone.get_by_label("New password").fill(NEW_PASSWORD)
        phone.get_by_role("button", name="Set password").click()
        phone.wait_for_url("**/today")
        log_out(phone)
        log_in(phone, server.world.patient_a, server.password)  # the old one no longer works
        phone.wait_for_load_state()
        assert phone.get_by_text("do not match").is_visible()
        phone.console_errors.clear()  # the refused login answers 401 on purpose
        log_in(phone, server.world.patient_a, NEW_PASSWORD)
        phone.wait_for_url("**/today")
        assert {page: found for page, found in problems.items() if found} == {}
    finally:
        smtp.stop()


def test_a_logo_uploaded_by_the_admin_shows_on_the_patients_phone(
    browser: Any, phone: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    mark = Image.new("RGB", (600, 200), (255, 255, 255))
    mark.paste((11, 100, 100), (20, 40, 580, 160))  # a dark band on white, like a wordmark
    mark.save(logo)
    desk = browser.new_context(viewport=LAPTOP, base_url=server.url).new_page()
    log_in(desk, server.world.admin_a, server.password)
    desk.wait_for_url("**/clinic/alerts")
    desk.goto("/clinic/settings")
    desk.get_by_label("Upload a logo").set_input_files(str(logo))
    desk.get_by_role("button", name="Upload logo").click()
    desk.wait_for_url("**/clinic/settings*")
    preview = desk.get_by_role("img", name="Your clinic's current logo")
    assert preview.is_visible()
    assert desk.evaluate("img => img.naturalWidth", preview.element_handle()) == 480
    assert _any_violation(Axe().run(desk)) == []
    desk.screenshot(path=shots / "laptop-settings-logo.png", full_page=True)
    desk.context.close()

    # The reset test above may have changed this patient's password already.
    for password in (NEW_PASSWORD, server.password):
        log_in(phone, server.world.patient_a, password)
        phone.wait_for_load_state()
        if phone.url.endswith("/today"):
            break
    phone.console_errors.clear()  # a refused first try answers 401 on purpose
    shown = phone.get_by_role("img", name="Clinic Alder")
    assert shown.is_visible()
    assert phone.evaluate("img => img.naturalWidth", shown.element_handle()) == 480
    log_out_box = phone.get_by_role("button", name="Log out").bounding_box()
    assert log_out_box["x"] + log_out_box["width"] <= 390  # the header still fits the phone
    assert _any_violation(Axe().run(phone)) == []
    phone.screenshot(path=shots / "phone-today-logo.png")
