"""Photo pages: form upload with CSRF, timeline, drawing a region, deletion, tenant rules."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import Photo
from needlecare.storage.uow import UnitOfWork
from page_session import set_page_session

from .conftest import bomb_png, photo_files, skin_photo

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def login(client: TestClient, app: FastAPI, user_id: int) -> None:
    """A session like a successful login makes, without paying for argon2 in every test."""
    client.cookies.clear()
    set_page_session(client, {"uid": user_id, "csrf": secrets.token_urlsafe(32)})


def csrf(client: TestClient, page: str) -> str:
    response = client.get(page)
    assert response.status_code == 200, response.text
    match = CSRF.search(response.text)
    assert match
    return match.group(1)


def form_upload(
    client: TestClient, page: str, content: bytes, token: str | None = None, **fields: str
) -> Any:
    data = dict(fields)
    if token is not None:
        data["csrf_token"] = token
    return client.post(
        page,
        data=data,
        files={"file": ("photo.png", content, "image/png")},
        follow_redirects=False,
    )


def rows(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(Photo)) or 0)


@pytest.fixture
def as_pat(client: TestClient, app: FastAPI, world: Any) -> TestClient:
    login(client, app, world.pat.user_id)
    return client


def upload_as_pat(client: TestClient, content: bytes, **fields: str) -> int:
    response = form_upload(client, "/photos/new", content, csrf(client, "/photos/new"), **fields)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/photos/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_patient_uploads_through_the_form(
    as_pat: TestClient, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    photo_id = upload_as_pat(as_pat, png_photo, area="neck")
    page = as_pat.get(f"/photos/{photo_id}")
    assert page.status_code == 200
    assert "Photo saved and measured." in page.text and "Neck, day 5" in page.text
    assert "does not diagnose" in page.text
    assert f'src="/photos/{photo_id}/image"' in page.text
    assert "<script>" not in page.text and "style=" not in page.text  # strict CSP
    assert rows(uow) == 1 and len(photo_files(data_dir)) == 3


def test_form_upload_needs_the_csrf_token(
    as_pat: TestClient, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    assert form_upload(as_pat, "/photos/new", png_photo).status_code == 403
    assert form_upload(as_pat, "/photos/new", png_photo, token="forged").status_code == 403
    assert rows(uow) == 0 and photo_files(data_dir) == []


def test_form_refuses_hostile_and_oversized_files_with_a_clear_message(
    as_pat: TestClient, uow: UnitOfWork, data_dir: Path
) -> None:
    token = csrf(as_pat, "/photos/new")
    bomb = form_upload(as_pat, "/photos/new", bomb_png(), token)
    assert bomb.status_code == 422 and "the limit is 40 MP" in bomb.text
    text = form_upload(as_pat, "/photos/new", b"just some words " * 50, token)
    assert text.status_code == 422 and "This file is not an image" in text.text
    big = form_upload(as_pat, "/photos/new", b"\xff\xd8\xff" + b"\0" * (26 * 1024 * 1024), token)
    assert big.status_code == 413 and "larger than 25 MB" in big.text
    assert rows(uow) == 0 and photo_files(data_dir) == []


def test_staff_upload_and_timeline_with_comparisons_and_charts(
    client: TestClient, app: FastAPI, world: Any, uow: UnitOfWork
) -> None:
    pid = world.patients["pat"]
    checkin = client.post(
        f"/api/v1/patients/{pid}/checkins",
        json={"symptoms": {"redness": 2}},
        headers=world.pat.headers,
    )
    assert checkin.status_code == 201
    login(client, app, world.bob.user_id)
    page = f"/clinic/patients/{pid}/photos/new"
    for seed, spots in ((60, 4), (61, 1)):
        response = form_upload(client, page, skin_photo(seed=seed, spots=spots), csrf(client, page))
        assert response.status_code == 303, response.text
        photo_page = client.get(response.headers["location"])
        assert photo_page.status_code == 200
        assert f'href="/clinic/patients/{pid}/photos"' in photo_page.text
    timeline = client.get(f"/clinic/patients/{pid}/photos")
    assert timeline.status_code == 200
    html = timeline.text
    assert "Day 5" in html and "Redness (mean a*)" in html and "Skin tone (ITA°)" in html
    assert "Compared with the previous photo (day 5):" in html and "3 fewer spots" in html
    assert "How sure:" in html and "does not diagnose" in html
    # Three photo measures; of the symptoms, the answered redness and the (zero) spots: the
    # unanswered swelling and pain are not drawn as zeros.
    assert html.count('<svg class="chart"') == 3 + 2
    assert "No pain answers yet" in html
    assert "/thumbnail" in html and "/overlay" not in html
    overlays = client.get(f"/clinic/patients/{pid}/photos?overlay=1").text
    assert "/overlay" in overlays and "spot candidates" in overlays


@pytest.mark.parametrize("who", ["charlie", "sol", None])
def test_other_people_cannot_see_the_photo_pages_or_files(
    client: TestClient, app: FastAPI, world: Any, png_photo: bytes, who: str | None
) -> None:
    login(client, app, world.pat.user_id)
    photo_id = upload_as_pat(client, png_photo)
    if who is None:
        client.cookies.clear()
    else:
        login(client, app, getattr(world, who).user_id)
    for url in (
        f"/photos/{photo_id}",
        *(f"/photos/{photo_id}/{k}" for k in ("image", "thumbnail", "overlay")),
    ):
        response = client.get(url, follow_redirects=False)
        if who is None:
            assert response.status_code == 303 and response.headers["location"].startswith("/login")
        else:
            assert response.status_code == 404, url
    timeline = client.get(
        f"/clinic/patients/{world.patients['pat']}/photos", follow_redirects=False
    )
    assert timeline.status_code == {"charlie": 404, "sol": 403, None: 303}[who]
    if who == "sol":
        own = client.get("/photos")
        assert own.status_code == 200 and f"/photos/{photo_id}" not in own.text


def test_drawn_region_through_the_form(
    as_pat: TestClient, uow: UnitOfWork, png_photo: bytes
) -> None:
    photo_id = upload_as_pat(as_pat, png_photo)
    token = csrf(as_pat, f"/photos/{photo_id}")
    box = {"x": "100", "y": "80", "w": "120.4", "h": "200", "measure": "box", "csrf_token": token}
    response = as_pat.post(f"/photos/{photo_id}/roi", data=box, follow_redirects=False)
    assert response.status_code == 303
    with uow:
        photo = uow.session.get(Photo, photo_id)
        assert photo is not None
        assert photo.roi == [100, 80, 120, 200] and photo.analysis["roi"]["source"] == "manual"
    page = as_pat.get(f"/photos/{photo_id}").text
    assert "your box" in page and 'value="120"' in page
    bad = as_pat.post(f"/photos/{photo_id}/roi", data={**box, "w": "0"}, follow_redirects=False)
    assert bad.status_code == 422 and "positive width" in bad.text
    auto = {"measure": "auto", "csrf_token": token}
    assert (
        as_pat.post(f"/photos/{photo_id}/roi", data=auto, follow_redirects=False).status_code == 303
    )
    with uow:
        photo = uow.session.get(Photo, photo_id)
        assert photo is not None and photo.roi is None
        assert photo.analysis["roi"]["source"] == "auto"


def test_delete_through_the_form(
    as_pat: TestClient, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    photo_id = upload_as_pat(as_pat, png_photo)
    token = csrf(as_pat, f"/photos/{photo_id}")
    unconfirmed = as_pat.post(f"/photos/{photo_id}/delete", data={"csrf_token": token})
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.text
    assert rows(uow) == 1
    done = as_pat.post(
        f"/photos/{photo_id}/delete",
        data={"csrf_token": token, "confirm": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/photos"
    assert rows(uow) == 0 and photo_files(data_dir) == []


def test_check_in_result_links_to_adding_a_photo(
    as_pat: TestClient, uow: UnitOfWork, world: Any, png_photo: bytes
) -> None:
    pid = world.patients["pat"]
    checkin = as_pat.post(
        f"/api/v1/patients/{pid}/checkins",
        json={"symptoms": {"redness": 1}},
        headers=world.pat.headers,
    )
    assert checkin.status_code == 201, checkin.text
    checkin_id = checkin.json()["id"]
    result = as_pat.get(f"/checkins/{checkin_id}").text
    assert f"/photos/new?checkin_id={checkin_id}" in result
    form = as_pat.get(f"/photos/new?checkin_id={checkin_id}").text
    assert f'name="checkin_id" value="{checkin_id}"' in form
    photo_id = upload_as_pat(as_pat, png_photo, checkin_id=str(checkin_id))
    with uow:
        photo = uow.session.get(Photo, photo_id)
        assert photo is not None and photo.checkin_id == checkin_id and photo.patient_id == pid
