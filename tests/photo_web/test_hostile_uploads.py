"""Issue 18: uploads that are cheap to send and expensive to decode, over the API."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from needlecare.services import budget
from photos.attacks import deep_alpha_png, header_only_jpeg, header_only_png, scan_bomb_jpeg

from .conftest import API, skin_photo


def upload(client: TestClient, who: Any, patient_id: int, content: bytes) -> Any:
    return client.post(
        f"{API}/patients/{patient_id}/photos",
        files={"file": ("photo.jpg", content, "image/jpeg")},
        headers=who.headers,
    )


@pytest.mark.parametrize(
    ("attack", "code"),
    [
        (lambda: scan_bomb_jpeg(1200, 1000, repeats=500), "photo_rejected"),
        (lambda: header_only_jpeg(6000, 6600), "photo_rejected"),
        (lambda: header_only_png(6000, 6600), "photo_rejected"),
    ],
    ids=["scan-bomb", "header-claims-40mp", "16-bit-rgba-png-over-the-memory-budget"],
)
def test_decoding_bombs_are_refused_with_422(
    client: TestClient, world: Any, attack: Any, code: str
) -> None:
    response = upload(client, world.pat, world.patients["pat"], attack())
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code


def test_a_16_bit_rgba_png_is_accepted_and_stored(client: TestClient, world: Any) -> None:
    response = upload(client, world.pat, world.patients["pat"], deep_alpha_png(640, 480))
    assert response.status_code == 201, response.text


def test_a_repeated_upload_is_found_before_it_is_decoded_again(
    client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = skin_photo(seed=11)
    first = upload(client, world.pat, world.patients["pat"], photo)
    assert first.status_code == 201, first.text

    def must_not_decode(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("decoded a repeat")

    monkeypatch.setattr(budget, "run_isolated", must_not_decode)
    again = upload(client, world.pat, world.patients["pat"], photo)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]


def test_a_job_over_its_budget_is_refused_with_422(
    client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def out_of_budget(*_args: Any, **_kwargs: Any) -> Any:
        raise budget.TooCostly("cpu time")

    monkeypatch.setattr(budget, "run_isolated", out_of_budget)
    response = upload(client, world.pat, world.patients["pat"], skin_photo(seed=12))
    assert response.status_code == 422
    assert "too much time or memory" in response.json()["error"]


def test_every_decode_slot_taken_answers_503_with_retry_after(
    client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budget, "QUEUE_WAIT_S", 0.01)
    taken = threading.BoundedSemaphore(1)
    taken.acquire()
    monkeypatch.setitem(budget._semaphores, "decode", taken)
    response = upload(client, world.pat, world.patients["pat"], skin_photo(seed=13))
    assert response.status_code == 503
    assert response.headers["retry-after"]


@pytest.mark.parametrize(
    "attack",
    [
        lambda: header_only_png(6000, 6600),
        lambda: header_only_jpeg(6000, 6600),
        lambda: scan_bomb_jpeg(640, 480, repeats=200),
    ],
    ids=["png-over-the-memory-budget", "header-claims-40mp", "scan-bomb"],
)
def test_a_file_refused_from_its_header_costs_no_decoder_process(
    client: TestClient, world: Any, attack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_spawn(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("started an isolated decoder for a file its header refuses")

    monkeypatch.setattr(budget, "run_isolated", must_not_spawn)
    response = upload(client, world.pat, world.patients["pat"], attack())
    assert response.status_code == 422, response.text
