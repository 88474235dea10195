"""Serving, tenant rules, the hand-drawn region and deletion through the JSON API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from needlecare.storage.models import AuditEntry, Photo
from needlecare.storage.uow import UnitOfWork

from .conftest import API, photo_files, skin_photo

KINDS = ("image", "thumbnail", "overlay")


def upload(client: TestClient, who: Any, patient_id: int, content: bytes) -> dict[str, Any]:
    response = client.post(
        f"{API}/patients/{patient_id}/photos",
        files={"file": ("p.png", content, "image/png")},
        headers=who.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def pat_photo(client: TestClient, world: Any, png_photo: bytes) -> dict[str, Any]:
    return upload(client, world.pat, world.patients["pat"], png_photo)


def urls(photo: dict[str, Any]) -> list[str]:
    base = f"{API}/patients/{photo['patient_id']}/photos/{photo['id']}"
    return [base, *(f"{base}/{kind}" for kind in KINDS)]


@pytest.mark.parametrize("who", ["pat", "bob", "alice"])
def test_patient_and_their_clinic_get_the_files_privately(
    client: TestClient, world: Any, uow: UnitOfWork, pat_photo: dict[str, Any], who: str
) -> None:
    person = getattr(world, who)
    for url, media in zip(
        urls(pat_photo)[1:], ("image/jpeg", "image/jpeg", "image/png"), strict=True
    ):
        response = client.get(url, headers=person.headers)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == media
        assert response.headers["cache-control"] == "private, no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
    with uow:
        reads = uow.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.actor_user_id == person.user_id,
                AuditEntry.object_type == "photo",
                AuditEntry.action.like("photo.%.read"),
            )
        ).all()
    assert sorted(reads) == sorted(f"photo.{kind}.read" for kind in KINDS)


@pytest.mark.parametrize(("who", "status"), [("charlie", 404), ("sol", 404), (None, 401)])
def test_nobody_else_learns_that_the_photo_exists(
    client: TestClient,
    world: Any,
    uow: UnitOfWork,
    data_dir: Path,
    pat_photo: dict[str, Any],
    who: str | None,
    status: int,
) -> None:
    headers = getattr(world, who).headers if who else {}
    pid = world.patients["pat"]
    for url in [
        *urls(pat_photo),
        f"{API}/patients/{pid}/photos",
        f"{API}/patients/{pid}/photo-timeline",
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        assert pat_photo["sha256"] not in response.text
    base = urls(pat_photo)[0]
    assert client.put(f"{base}/roi", json={}, headers=headers).status_code == status
    assert client.delete(base, headers=headers).status_code == status
    missing = client.get(f"{API}/patients/{pid}/photos/999999/image", headers=headers)
    assert missing.status_code == status  # the same answer as for a photo that exists
    # Uploading to another clinic's patient is refused the same way, and stores nothing.
    refused = client.post(
        f"{API}/patients/{pid}/photos",
        files={"file": ("p.png", skin_photo(seed=40), "image/png")},
        headers=headers,
    )
    assert refused.status_code == status
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Photo)) == 1
    assert len(photo_files(data_dir)) == 3


def test_a_photo_is_only_found_under_its_own_patient(
    client: TestClient, world: Any, pat_photo: dict[str, Any]
) -> None:
    other = world.patients["quinn"]  # same clinic, so bob may see quinn
    url = f"{API}/patients/{other}/photos/{pat_photo['id']}/image"
    assert client.get(url, headers=world.bob.headers).status_code == 404


def test_drawn_region_changes_the_stored_measurement(
    client: TestClient, world: Any, data_dir: Path, pat_photo: dict[str, Any]
) -> None:
    base = urls(pat_photo)[0]
    assert pat_photo["analysis"]["roi"]["source"] == "auto"
    auto_overlay = client.get(f"{base}/overlay", headers=world.pat.headers).content
    # A box around the left half of the skin only: one of the three spots is in it.
    response = client.put(
        f"{base}/roi", json={"x": 100, "y": 80, "w": 120, "h": 200}, headers=world.pat.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["roi"] == [100, 80, 120, 200]
    assert body["analysis"]["roi"]["source"] == "manual"
    assert body["analysis"]["roi"]["frame_share"] < pat_photo["analysis"]["roi"]["frame_share"]
    stored = client.get(base, headers=world.bob.headers).json()
    assert stored["analysis"] == body["analysis"]
    manual_overlay = client.get(f"{base}/overlay", headers=world.pat.headers).content
    assert manual_overlay != auto_overlay
    sha = pat_photo["sha256"]
    names = {p.name for p in photo_files(data_dir)}
    assert f"{sha}.overlay.100-80-120-200.png" in names
    assert f"{sha}.overlay.auto.png" not in names  # the replaced overlay is gone
    # An empty body measures automatically again.
    again = client.put(f"{base}/roi", json={}, headers=world.bob.headers).json()
    assert again["roi"] is None
    assert again["analysis"] == pat_photo["analysis"]


@pytest.mark.parametrize(
    "box", [{"x": 5000, "y": 5000, "w": 10, "h": 10}, {"x": 1, "y": 2, "w": 30}, {"w": 0}]
)
def test_unusable_regions_are_refused(
    client: TestClient, world: Any, pat_photo: dict[str, Any], box: dict[str, int]
) -> None:
    response = client.put(f"{urls(pat_photo)[0]}/roi", json=box, headers=world.pat.headers)
    assert response.status_code == 422, response.text
    stored = client.get(urls(pat_photo)[0], headers=world.pat.headers).json()
    assert stored["analysis"] == pat_photo["analysis"] and stored["roi"] is None


def test_delete_removes_row_and_files_but_keeps_shared_content(
    client: TestClient, world: Any, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    mine = upload(client, world.pat, world.patients["pat"], png_photo)
    # The same bytes for another patient share the stored files.
    theirs = upload(client, world.bob, world.patients["quinn"], png_photo)
    assert len(photo_files(data_dir)) == 3
    assert client.delete(urls(mine)[0], headers=world.pat.headers).status_code == 204
    assert len(photo_files(data_dir)) == 3  # still used by quinn's photo
    assert client.get(urls(mine)[1], headers=world.pat.headers).status_code == 404
    assert client.get(urls(theirs)[1], headers=world.bob.headers).status_code == 200
    assert client.delete(urls(theirs)[0], headers=world.bob.headers).status_code == 204
    assert photo_files(data_dir) == []
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Photo)) == 0
        deletions = uow.session.scalars(
            select(AuditEntry.object_id).where(AuditEntry.action == "photo.delete")
        ).all()
    assert sorted(deletions) == sorted([str(mine["id"]), str(theirs["id"])])


def test_timeline_compares_with_previous_and_baseline(
    client: TestClient, world: Any, uow: UnitOfWork
) -> None:
    pid = world.patients["pat"]
    ids = [
        upload(client, world.pat, pid, skin_photo(seed=s, spots=n))["id"]
        for s, n in ((50, 4), (51, 2), (52, 1))
    ]
    response = client.get(f"{API}/patients/{pid}/photo-timeline", headers=world.bob.headers)
    assert response.status_code == 200
    (area,) = response.json()
    assert area["area"] == "face" and [e["photo"]["id"] for e in area["entries"]] == ids
    first, second, third = area["entries"]
    assert first["vs_previous"] is None and first["vs_baseline"] is None
    assert second["vs_previous"]["delta"]["spot_count"] == -2
    assert third["vs_previous"]["delta"]["spot_count"] == -1
    assert third["vs_baseline"]["delta"]["spot_count"] == -3
    assert third["vs_baseline"]["confidence"]["level"] in ("high", "medium", "low")


def test_deleting_my_data_removes_my_photo_files_only(
    client: TestClient, world: Any, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    mine = upload(client, world.pat, world.patients["pat"], png_photo)
    upload(client, world.pat, world.patients["pat"], skin_photo(seed=70))
    shared = upload(client, world.bob, world.patients["quinn"], png_photo)  # same bytes
    assert len(photo_files(data_dir)) == 6
    response = client.post(
        f"{API}/me/delete", json={"confirm": "DELETE MY DATA"}, headers=world.pat.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["files_deleted"] == 3  # the shared photo's files stay
    remaining = {p.name for p in photo_files(data_dir)}
    assert remaining == {
        f"{mine['sha256']}.jpg",
        f"{mine['sha256']}.thumb.jpg",
        f"{mine['sha256']}.overlay.auto.png",
    }
    with uow:
        owners = uow.session.scalars(select(Photo.patient_id)).all()
    assert owners == [world.patients["quinn"]]
    assert client.get(urls(shared)[1], headers=world.bob.headers).status_code == 200
