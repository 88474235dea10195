"""Upload through the JSON API: what is stored (and what is not), limits and hostile files."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from needlecare.services import auth, photo_decode, photo_upload
from needlecare.services.photo_files import PhotoFiles
from needlecare.storage.models import AuditEntry, Photo
from needlecare.storage.uow import UnitOfWork
from needlecare.web.api.photos import read_upload
from photos.metadata import assert_no_metadata, jpeg_with_everything
from photos.synthetic import Scene

from .conftest import API, bomb_png, photo_files, skin_photo


def upload(client: TestClient, who: Any, patient_id: int, content: bytes, **fields: str) -> Any:
    return client.post(
        f"{API}/patients/{patient_id}/photos",
        files={"file": ("photo.jpg", content, "image/jpeg")},
        data=fields,
        headers=who.headers,
    )


def photo_rows(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(Photo)) or 0)


def test_upload_stores_only_a_clean_copy_thumbnail_and_overlay(
    client: TestClient, world: Any, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    response = upload(client, world.pat, world.patients["pat"], png_photo, area="Left  Cheek")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created"] is True and body["area"] == "left cheek" and body["day"] == 5
    assert body["analysis"]["kind"] == "needlecare.photo_analysis"
    assert body["analysis"]["spots"]["count"] == 3
    sha = body["sha256"]
    image = data_dir / "photos" / sha[:2] / f"{sha}.jpg"
    assert hashlib.sha256(image.read_bytes()).hexdigest() == sha
    assert_no_metadata(image.read_bytes())
    assert_no_metadata((data_dir / "photos" / sha[:2] / f"{sha}.thumb.jpg").read_bytes())
    overlay = data_dir / "photos" / sha[:2] / f"{sha}.overlay.auto.png"
    assert Image.open(overlay).format == "PNG"
    # Only the sanitised bytes: the upload itself (a PNG) is nowhere on disk, nor temp files.
    assert [p.name for p in photo_files(data_dir)] == sorted(
        [image.name, f"{sha}.thumb.jpg", overlay.name]
    )
    with uow:
        photo = uow.session.get(Photo, body["id"])
        assert photo is not None and photo.uploaded_by == world.pat.user_id
        assert photo.treatment_id == world.treatments["pat"]


def test_gps_tagged_jpeg_is_stored_without_gps_or_any_metadata(
    client: TestClient, world: Any, data_dir: Path
) -> None:
    original = jpeg_with_everything(Image.fromarray(Scene(width=480, height=360).rgb()))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS is in there
    response = upload(client, world.bob, world.patients["pat"], original)
    assert response.status_code == 201, response.text
    for path in photo_files(data_dir):
        if path.suffix == ".jpg":
            stored = Image.open(path)
            assert stored.getexif().get_ifd(0x8825) == {}
            assert not {"exif", "icc_profile", "xmp"} & set(stored.info)
            assert_no_metadata(path.read_bytes())


def test_same_photo_twice_is_stored_once(
    client: TestClient, world: Any, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    first = upload(client, world.pat, world.patients["pat"], png_photo)
    again = upload(client, world.bob, world.patients["pat"], png_photo)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False
    assert photo_rows(uow) == 1 and len(photo_files(data_dir)) == 3


def _nothing_stored(uow: UnitOfWork, data_dir: Path) -> None:
    assert photo_rows(uow) == 0
    assert photo_files(data_dir) == []


def test_oversized_upload_is_refused_with_413_and_nothing_stored(
    client: TestClient, world: Any, uow: UnitOfWork, data_dir: Path
) -> None:
    big = b"\xff\xd8\xff" + b"\0" * (photo_decode.MAX_UPLOAD_BYTES + 1)
    response = upload(client, world.pat, world.patients["pat"], big)
    assert response.status_code == 413
    assert "larger than 25 MB" in response.json()["error"]
    _nothing_stored(uow, data_dir)


def test_oversized_stream_without_length_is_cut_off_while_streaming() -> None:
    """At the ASGI level (the test client buffers request bodies): a chunked body with no
    Content-Length is refused after the limit, not read to its end."""
    boundary = "nc-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff'
    ).encode("latin-1")
    chunks = [head] + [b"\0" * (1024 * 1024)] * 200  # 200 MiB if nobody stops reading
    sent = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        sent += 1
        return {"type": "http.request", "body": chunks[sent - 1], "more_body": sent < len(chunks)}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
    }
    with pytest.raises(photo_decode.PhotoTooLarge):
        anyio.run(read_upload, Request(scope, receive))
    assert sent < 30, f"read {sent} MiB before refusing"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("bomb", bomb_png(), "the limit is 40 mp"),
        ("truncated", skin_photo(seed=3, fmt="JPEG")[:3000], "incomplete"),
        ("text", b"Dear clinic, here is my photo. " * 40, "not an image"),
    ],
)
def test_hostile_files_are_refused_with_422_and_nothing_stored(
    client: TestClient,
    world: Any,
    uow: UnitOfWork,
    data_dir: Path,
    name: str,
    content: bytes,
    words: str,
) -> None:
    response = upload(client, world.pat, world.patients["pat"], content)
    assert response.status_code == 422, (name, response.text)
    body = response.json()
    assert body["errors"][0]["field"] == "file"
    assert words in body["error"].lower(), body["error"]
    _nothing_stored(uow, data_dir)


def test_a_check_in_holds_at_most_six_photos(
    client: TestClient, world: Any, uow: UnitOfWork, data_dir: Path
) -> None:
    checkin = client.post(
        f"{API}/patients/{world.patients['pat']}/checkins",
        json={"symptoms": {"redness": 1}},
        headers=world.pat.headers,
    )
    assert checkin.status_code == 201, checkin.text
    checkin_id = str(checkin.json()["id"])
    for seed in range(photo_upload.MAX_PHOTOS_PER_CHECKIN):
        response = upload(
            client,
            world.pat,
            world.patients["pat"],
            skin_photo(seed=10 + seed),
            checkin_id=checkin_id,
        )
        assert response.status_code == 201, response.text
        assert response.json()["checkin_id"] == int(checkin_id)
    refused = upload(
        client, world.pat, world.patients["pat"], skin_photo(seed=99), checkin_id=checkin_id
    )
    assert refused.status_code == 422
    assert "at most 6 photos" in refused.json()["error"]
    assert photo_rows(uow) == 6 and len(photo_files(data_dir)) == 18


def test_daily_limit(
    client: TestClient,
    world: Any,
    uow: UnitOfWork,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(photo_upload, "MAX_PHOTOS_PER_DAY", 2)
    responses = [
        upload(client, world.pat, world.patients["pat"], skin_photo(seed=s)) for s in (21, 22, 23)
    ]
    assert [r.status_code for r in responses] == [201, 201, 422]
    assert "at most 2 photos a day" in responses[2].json()["error"]
    assert photo_rows(uow) == 2 and len(photo_files(data_dir)) == 6  # the third left nothing


def test_a_failed_transaction_leaves_no_file_behind(
    world: Any, uow: UnitOfWork, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = auth.principal_for_token(uow, world.pat.token)

    def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(photo_upload, "record_photo", broken_audit)
    with pytest.raises(RuntimeError):
        photo_upload.upload_photo(
            uow,
            actor,
            world.patients["pat"],
            photo_upload.PhotoUpload(skin_photo(seed=5)),
            files=PhotoFiles(data_dir),
        )
    _nothing_stored(uow, data_dir)


def test_uploads_are_audited(
    client: TestClient, world: Any, uow: UnitOfWork, png_photo: bytes
) -> None:
    photo_id = upload(client, world.bob, world.patients["pat"], png_photo).json()["id"]
    with uow:
        actions = uow.session.execute(
            select(AuditEntry.action, AuditEntry.actor_user_id).where(
                AuditEntry.object_type == "photo", AuditEntry.object_id == str(photo_id)
            )
        ).all()
    assert [tuple(a) for a in actions] == [("photo.create", world.bob.user_id)]


def _asgi_upload(app: Any, path: str, token: str, mebibytes: int) -> tuple[int, int]:
    """POST a chunked multipart body straight into the ASGI app (the test client would
    buffer it first); returns the status and how many chunks the app asked for."""
    boundary = "nc-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff'
    ).encode("latin-1")
    chunks = [head] + [b"\0" * (1024 * 1024)] * mebibytes
    received = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        if received > len(chunks):
            return {"type": "http.disconnect"}
        more = received < len(chunks)
        return {"type": "http.request", "body": chunks[received - 1], "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
        ],
    }
    anyio.run(app, scope, receive, send)
    return status, received


def test_huge_streams_are_cut_off_and_strangers_are_not_even_read(
    app: Any, world: Any, uow: UnitOfWork, data_dir: Path
) -> None:
    path = f"{API}/patients/{world.patients['pat']}/photos"
    status, chunks = _asgi_upload(app, path, world.pat.token, 200)  # 200 MiB, no length
    assert status == 413 and chunks < 30
    status, chunks = _asgi_upload(app, path, world.charlie.token, 200)
    assert status == 404 and chunks <= 1
    _nothing_stored(uow, data_dir)


def test_a_check_in_of_another_patient_is_not_found(
    client: TestClient, world: Any, uow: UnitOfWork, data_dir: Path, png_photo: bytes
) -> None:
    quinn = world.patients["quinn"]
    checkin = client.post(
        f"{API}/patients/{quinn}/checkins",
        json={"symptoms": {"redness": 1}},
        headers=world.bob.headers,
    )
    assert checkin.status_code == 201, checkin.text
    response = upload(
        client, world.pat, world.patients["pat"], png_photo, checkin_id=str(checkin.json()["id"])
    )
    assert response.status_code == 404
    _nothing_stored(uow, data_dir)
