"""Issue 19 pages: forgot password (one answer for every address), the one-time password
link (sets it, logs in, works once), clinic sign-up behind its setting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from needlecare.config import load_settings
from needlecare.services import account_links, clinics
from needlecare.storage.models import OutboxMessage
from needlecare.storage.uow import UnitOfWork
from needlecare.web.app import create_app

from .conftest import csrf_from, post_form
from .seed import World, seed_world


def test_forgot_password_says_the_same_for_any_address(client: TestClient, world: World) -> None:
    page = client.get("/login")
    assert 'href="/password/forgot"' in page.text
    known = post_form(client, "/password/forgot", "/password/forgot", {"email": world.admin_a})
    unknown = post_form(
        client, "/password/forgot", "/password/forgot", {"email": "ghost@alder.test"}
    )
    assert known.status_code == unknown.status_code == 200  # type: ignore[attr-defined]
    strip = lambda r: r.text.replace(csrf_from(r.text), "")  # noqa: E731
    assert strip(known) == strip(unknown)
    assert "we have emailed it a link" in known.text  # type: ignore[attr-defined]
    empty = post_form(client, "/password/forgot", "/password/forgot", {"email": ""})
    assert empty.status_code == 422 and "Enter your email address" in empty.text  # type: ignore[attr-defined]
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        sent = session.scalars(select(OutboxMessage.recipient)).all()
    assert sent == [world.admin_a]


def test_the_password_link_sets_the_password_and_logs_in_once(client: TestClient) -> None:
    uow = UnitOfWork(client.app.state.session_factory)  # type: ignore[attr-defined]
    made = clinics.create_clinic(uow, "Elm Clinic", "eli@elm.test", "Eli Elm")
    assert made.link is not None
    path = f"/account/password/{made.link.token}"
    page = client.get(path)
    assert "Set your password" in page.text and "Elm Clinic" in page.text
    weak = post_form(client, path, path, {"password": "short"})
    assert weak.status_code == 422 and "at least" in weak.text  # type: ignore[attr-defined]
    done = post_form(client, path, path, {"password": "elm trees in the rain 9"})
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert done.headers["location"] == "/clinic/settings"  # type: ignore[attr-defined]
    assert client.get("/clinic/settings").status_code == 200
    client.cookies.clear()
    assert client.get(path).status_code == 404
    assert account_links.preview(uow, made.link.token) is None


def test_clinic_signup_page_is_hidden_by_default(client: TestClient) -> None:
    assert client.get("/signup/clinic").status_code == 404


def test_the_staff_page_lists_staff_and_changes_them(client: TestClient, world: World) -> None:
    from .conftest import login

    login(client, world.admin_a)
    page = client.get("/clinic/staff")
    assert page.status_code == 200
    assert "Ada Admin" in page.text and "Cleo Clinician" in page.text
    assert "Ben Birch" not in page.text  # another clinic's clinician
    assert "never" in page.text  # Cleo has not been seen yet
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        from needlecare.storage.models import User

        cleo = session.scalar(select(User).where(User.email == world.clinician_a))
        ada = session.scalar(select(User).where(User.email == world.admin_a))
    assert cleo is not None and ada is not None
    # The last admin cannot step down: the answer says why, next to the table.
    refused = post_form(
        client, "/clinic/staff", f"/clinic/staff/{ada.id}/role", {"role": "clinician"}
    )
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "at least one active admin" in refused.text  # type: ignore[attr-defined]
    # Next to the control that was used, in Ada's row: not at the top of the page.
    row = refused.text.split(f'action="/clinic/staff/{ada.id}/role"')[1].split("</tr>")[0]  # type: ignore[attr-defined]
    assert 'id="staff-error"' in row and "at least one active admin" in row
    assert "has-error" in row and 'aria-describedby="staff-error"' in row
    alone = post_form(
        client, "/clinic/staff", f"/clinic/staff/{ada.id}/active", {"active": "false"}
    )
    assert alone.status_code == 409  # type: ignore[attr-defined]
    row = alone.text.split(f'action="/clinic/staff/{ada.id}/active"')[1].split("</tr>")[0]  # type: ignore[attr-defined]
    assert 'id="staff-error"' in row and "at least one active admin" in row
    made = post_form(client, "/clinic/staff", f"/clinic/staff/{cleo.id}/role", {"role": "admin"})
    assert made.status_code == 303  # type: ignore[attr-defined]
    off = post_form(client, "/clinic/staff", f"/clinic/staff/{cleo.id}/active", {"active": "false"})
    assert off.status_code == 303  # type: ignore[attr-defined]
    page = client.get("/clinic/staff")
    assert "Deactivated" in page.text and "Reactivate" in page.text


def test_the_audit_page_names_people_filters_and_exports_its_view(
    client: TestClient, world: World
) -> None:
    from .conftest import login

    login(client, world.admin_a)
    client.get(f"/clinic/patients/{world.patient_a_id}")
    page = client.get("/clinic/audit")
    assert page.status_code == 200
    assert "Ada Admin" in page.text and "user #" not in page.text
    assert " UTC</td>" in page.text  # the clinic set no time zone: times in UTC
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        from needlecare.storage.models import Patient

        patient = session.get(Patient, world.patient_a_id)
    assert patient is not None and patient.display_name in page.text
    filtered = client.get("/clinic/audit", params={"action": "patient.read"})
    assert filtered.status_code == 200
    assert "<code>patient.read</code>" in filtered.text
    assert "<code>invitation.patient.create</code>" not in filtered.text
    assert 'href="/clinic/audit.csv?action=patient.read"' in filtered.text
    export = client.get("/clinic/audit.csv", params={"action": "patient.read"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    lines = export.text.strip().splitlines()
    assert lines[0].startswith("at_utc,id,person") and len(lines) >= 2
    assert all(",patient.read," in line for line in lines[1:])
    bad = client.get("/clinic/audit", params={"from": "yesterday", "person": "x"})
    assert bad.status_code == 422
    assert 'id="from-error"' in bad.text and 'id="person-error"' in bad.text
    assert client.get("/clinic/audit.csv", params={"from": "nope"}).status_code == 422


def test_the_staff_page_pages_with_a_more_link(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from needlecare.storage.enums import Role
    from needlecare.storage.models import User
    from needlecare.web.pages import accounts_staff

    from .conftest import login

    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        for n, name in enumerate(["Dora", "dora", "Eli", "Fay", "Gus"]):
            session.add(
                User(
                    email=f"more{n}@alder.test",
                    password_hash="x",
                    role=Role.CLINICIAN,
                    clinic_id=world.clinic_a,
                    display_name=name,
                    is_active=name != "Eli",
                )
            )
        session.commit()
    monkeypatch.setattr(accounts_staff, "STAFF_PAGE", 3)
    login(client, world.clinician_a)
    url: str | None = "/clinic/staff"
    names: list[str] = []
    pages = 0
    while url and pages < 5:
        page = client.get(url)
        assert page.status_code == 200
        pages += 1
        names += re.findall(r"<td><strong>([^<]+)</strong>", page.text)
        # A later page leads back to the first (round 3: only "More staff" was offered).
        first = '<a class="button secondary" href="/clinic/staff">← First page of staff</a>'
        assert (first in page.text) == (pages > 1)
        more = re.search(r'<a class="button secondary" href="([^"]+)">More staff</a>', page.text)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert pages == 3  # 7 staff, 3 a page
    assert names == ["Ada Admin", "Cleo Clinician", "Dora", "dora", "Fay", "Gus", "Eli"]


@pytest.fixture
def db_client(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World]]:
    """The pages on SQLite and PostgreSQL (the staff page's order comes from the database)."""
    application = create_app(load_settings(data_dir=tmp_path, database_url=database_url))
    world = seed_world(application.state.session_factory)
    with TestClient(application, follow_redirects=False) as test_client:
        yield test_client, world
    application.state.engine.dispose()


def test_a_change_on_a_later_staff_page_answers_with_that_page(
    db_client: tuple[TestClient, World], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, world = db_client
    from needlecare.storage.enums import Role
    from needlecare.storage.models import User
    from needlecare.web.pages import accounts_staff

    from .conftest import login

    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        for n, name in enumerate(["Aaron", "Abby", "Abel", "Zed", "Zoe"]):  # page 1: the A..s
            session.add(
                User(
                    email=f"early{n}@alder.test",
                    password_hash="x",
                    role=Role.CLINICIAN,
                    clinic_id=world.clinic_a,
                    display_name=name,
                )
            )
        session.commit()
        ada = session.scalar(select(User).where(User.email == world.admin_a))
        cleo = session.scalar(select(User).where(User.email == world.clinician_a))
    assert ada is not None and cleo is not None
    monkeypatch.setattr(accounts_staff, "STAFF_PAGE", 3)
    rows = lambda html: re.findall(r"<td><strong>([^<]+)</strong>", html)  # noqa: E731
    login(client, world.admin_a)
    first = client.get("/clinic/staff")
    more = re.search(r'<a class="button secondary" href="([^"]+)">More staff</a>', first.text)
    assert more and rows(first.text) == ["Aaron", "Abby", "Abel"]
    second_url = more.group(1).replace("&amp;", "&")
    second = client.get(second_url)
    assert rows(second.text) == ["Ada Admin", "Cleo Clinician", "Zed"]
    cursor = unquote(second_url.split("cursor=", 1)[1])
    # Every form of page 2 carries its cursor (role and active of each row, invite).
    assert second.text.count(f'name="cursor" value="{cursor}"') == 3 * 2 + 1
    assert 'name="cursor"' not in first.text  # page 1 has none to carry
    token = csrf_from(second.text)

    # The last admin cannot step down: refused, and the answer is page 2 with the error in
    # Ada's row, not page 1 without her.
    refused = client.post(
        f"/clinic/staff/{ada.id}/role",
        data={"role": "clinician", "cursor": cursor, "csrf_token": token},
    )
    assert refused.status_code == 409
    assert rows(refused.text) == ["Ada Admin", "Cleo Clinician", "Zed"]
    row = refused.text.split(f'action="/clinic/staff/{ada.id}/role"')[1].split("</tr>")[0]
    assert 'id="staff-error"' in row and "at least one active admin" in row
    # Its forms still carry page 2, and its "more" link is the list's, not the POST's path.
    assert f'name="cursor" value="{cursor}"' in refused.text
    more = re.search(r'<a class="button secondary" href="([^"]+)">More staff</a>', refused.text)
    assert more and more.group(1).startswith("/clinic/staff?cursor=")
    assert rows(client.get(more.group(1).replace("&amp;", "&")).text) == ["Zoe"]
    invalid = client.post(
        f"/clinic/staff/{cleo.id}/role",
        data={"role": "nurse", "cursor": cursor, "csrf_token": token},
    )
    assert invalid.status_code == 409 and "Choose admin or clinician." in invalid.text
    assert rows(invalid.text) == ["Ada Admin", "Cleo Clinician", "Zed"]

    # A change that is made leads back to page 2 too.
    made = client.post(
        f"/clinic/staff/{cleo.id}/role",
        data={"role": "admin", "cursor": cursor, "csrf_token": token},
    )
    assert made.status_code == 303
    back = made.headers["location"]
    assert back.startswith("/clinic/staff?cursor=") and back.endswith("#staff-heading")
    assert rows(client.get(back.split("#")[0]).text) == ["Ada Admin", "Cleo Clinician", "Zed"]

    # A cursor that is not ours is refused before anything changes.
    forged = client.post(
        f"/clinic/staff/{cleo.id}/role",
        data={"role": "clinician", "cursor": cursor[:-4] + "AAAA", "csrf_token": token},
    )
    assert forged.status_code == 422
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        assert session.get(User, cleo.id).role == Role.ADMIN  # type: ignore[union-attr]
