"""Issue 19: a clinic's logo goes through the hostile-image guards, is stored as a small clean
PNG, and is shown only to the clinic's own staff and patients."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image, PngImagePlugin

from api.api_helpers import session_cookie
from conftest import SECRET, World
from needlecare.photos.logo import LOGO_BOX
from needlecare.services import auth, clinic_logo
from needlecare.services.errors import Forbidden, Invalid
from needlecare.storage.uow import UnitOfWork


def _png_with_metadata(width: int = 1200, height: int = 600) -> bytes:
    image = Image.new("RGB", (width, height), (20, 110, 100))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 51.5N 0.1W, owner Jane Doe")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue() + b"TRAILING-SECRET"


def test_the_logo_is_stored_clean_and_shown_to_the_clinic_only(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    alice = auth.principal_for_token(uow, world.alice.token)
    version = clinic_logo.set_logo(uow, alice, _png_with_metadata())
    stored = clinic_logo.logo_of(uow, world.alder_id)
    assert stored is not None and stored.sha256 == version
    assert b"Jane Doe" not in stored.png and b"TRAILING-SECRET" not in stored.png
    image = Image.open(io.BytesIO(stored.png))
    assert image.format == "PNG" and image.size == (320, 160)  # fitted into LOGO_BOX
    assert image.size[0] <= LOGO_BOX[0] and not image.info.get("Comment")

    client.cookies.update(session_cookie(SECRET, {"uid": world.pat.user_id, "gen": 0}))
    today = client.get("/today")
    assert f'src="/clinic/logo?v={version}"' in today.text
    shown = client.get("/clinic/logo")
    assert shown.status_code == 200 and shown.content == stored.png
    assert shown.headers["content-type"] == "image/png"
    client.cookies.clear()
    client.cookies.update(session_cookie(SECRET, {"uid": world.sol.user_id, "gen": 0}))
    assert client.get("/clinic/logo").status_code == 404  # a personal account: no clinic
    assert f"/clinic/logo?v={version}" not in client.get("/today").text
    client.cookies.clear()
    client.cookies.update(session_cookie(SECRET, {"uid": world.charlie.user_id, "gen": 0}))
    assert client.get("/clinic/logo").status_code == 404  # clinic B has none: never clinic A's

    clinic_logo.remove_logo(uow, alice)
    assert clinic_logo.logo_of(uow, world.alder_id) is None


def test_hostile_or_empty_files_and_non_admins_are_refused(uow: UnitOfWork, world: World) -> None:
    alice = auth.principal_for_token(uow, world.alice.token)
    for bad in (b"", b"<svg onload=alert(1)>", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40):
        with pytest.raises(Invalid) as caught:
            clinic_logo.set_logo(uow, alice, bad)
        assert caught.value.errors[0].field == "logo"
    bob = auth.principal_for_token(uow, world.bob.token)
    with pytest.raises(Forbidden):
        clinic_logo.set_logo(uow, bob, _png_with_metadata())
    assert clinic_logo.logo_of(uow, world.alder_id) is None


def test_the_logo_is_in_the_emails_and_the_sheet(
    client: TestClient, uow: UnitOfWork, world: World
) -> None:
    from needlecare.jobs import emails
    from needlecare.jobs.settings import JobsSettings
    from needlecare.services import account_links
    from needlecare.storage.models import OutboxMessage

    pat_cookie = session_cookie(SECRET, {"uid": world.pat.user_id, "gen": 0})
    client.cookies.update(pat_cookie)
    plain = client.get("/guide/sheet.pdf")
    assert plain.status_code == 200 and b"/Subtype /Image" not in plain.content
    alice = auth.principal_for_token(uow, world.alice.token)
    clinic_logo.set_logo(uow, alice, _png_with_metadata())
    branded = client.get("/guide/sheet.pdf")
    assert branded.status_code == 200 and b"/Subtype /Image" in branded.content

    for email in (world.bob.email, world.sol.email):
        account_links.request_reset(uow, email, SECRET)
    settings = JobsSettings(secret_key=SECRET)
    with uow.reading():
        rows = {r.recipient: r for r in uow.session.query(OutboxMessage).all()}
        bob = emails.compose(uow.session, rows[world.bob.email], settings)
        sol = emails.compose(uow.session, rows[world.sol.email], settings)
    images = [p for p in bob.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<clinic-logo>"
    html = bob.get_body(("html",))
    assert html is not None and 'src="cid:clinic-logo"' in html.get_content()
    assert not [p for p in sol.walk() if p.get_content_type() == "image/png"]  # no clinic
