"""Issue 18: a label scan decodes the untrusted photo the one way uploads are decoded: header
checks, then the budgeted child process (`services.budget.run_isolated`); the barcode reader
and the OCR only read the decoded copy. A bomb is refused with 422 on "file" (both databases)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from needlecare.services import budget
from page_session import set_page_session
from photos.attacks import header_only_jpeg, scan_bomb_jpeg

PHOTOS = Path(__file__).parent / "photos"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
API = "/api/v1"
BOMBS = {
    "scan-bomb": lambda: scan_bomb_jpeg(1200, 1000, repeats=500),
    "header-claims-40mp": lambda: header_only_jpeg(6000, 6600),
}


def _api_scan(client: TestClient, world: Any, content: bytes) -> Any:
    return client.post(
        f"{API}/patients/{world.patients['pat']}/ingredient-scan",
        files={"file": ("label.jpg", content, "image/jpeg")},
        headers=world.pat.headers,
    )


def _page_scan(client: TestClient, app: FastAPI, world: Any, content: bytes) -> Any:
    set_page_session(client, {"uid": world.pat.user_id, "csrf": secrets.token_urlsafe(32)})
    token = CSRF.search(client.get("/products").text)
    assert token is not None
    return client.post(
        "/products/scan",
        data={"csrf_token": token[1]},
        files={"file": ("label.jpg", content, "image/jpeg")},
    )


@pytest.mark.parametrize("bomb", BOMBS.values(), ids=BOMBS.keys())
def test_a_decoding_bomb_to_the_scan_api_is_refused_with_422_without_a_decoder(
    client: TestClient, world: Any, bomb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_spawn(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("started a decoder for a file its header refuses")

    monkeypatch.setattr(budget, "run_isolated", must_not_spawn)
    response = _api_scan(client, world, bomb())
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "photo_rejected"


def _over_budget(*_args: Any, **_kwargs: Any) -> Any:
    raise budget.TooCostly("cpu time")


def test_the_scan_api_decodes_in_the_budgeted_child(
    client: TestClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file over the child's CPU or memory budget: the scan is refused, the server did not
    # decode the photo itself (before, the scan decoded in the server and answered 200).
    monkeypatch.setattr(budget, "run_isolated", _over_budget)
    response = _api_scan(client, world, (PHOTOS / "clean_retinol_serum.jpg").read_bytes())
    assert response.status_code == 422, response.text
    assert "too much time or memory" in response.json()["error"]


def test_the_scan_page_decodes_in_the_budgeted_child(
    client: TestClient, app: FastAPI, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budget, "run_isolated", _over_budget)
    response = _page_scan(client, app, world, (PHOTOS / "clean_retinol_serum.jpg").read_bytes())
    assert response.status_code == 422, response.text
    assert "too much time or memory" in response.text


def test_the_scan_page_refuses_a_bomb_with_422(
    client: TestClient, app: FastAPI, world: Any
) -> None:
    response = _page_scan(client, app, world, BOMBS["scan-bomb"]())
    assert response.status_code == 422, response.text
    assert 'id="file"' in response.text or "file" in response.text


def test_a_label_still_reads_through_the_child(client: TestClient, world: Any) -> None:
    calls: list[str] = []
    real = budget.run_isolated

    def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(fn.__name__)
        return real(fn, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(budget, "run_isolated", counted)
        response = _api_scan(client, world, (PHOTOS / "clean_retinol_serum.jpg").read_bytes())
    assert response.status_code == 200, response.text
    assert "Retinol" in response.json()["ocr"]["text"]
    assert calls == ["readable_copy"]  # one decode of the upload, in the child
