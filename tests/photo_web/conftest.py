"""Fixtures for the photo web tests: generated skin photos and the photo folder on disk."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi import FastAPI
from PIL import Image

from photos.synthetic import Scene, encode, grid_spots

API = "/api/v1"


def skin_photo(seed: int = 7, spots: int = 0, fmt: str = "PNG", **params: object) -> bytes:
    """A generated photo (skin rectangle on a grey wall); each seed gives other bytes."""
    scene = Scene(width=480, height=360, skin_box=(80, 60, 320, 240), noise=1.5, seed=seed)
    if spots:
        scene.spots = grid_spots(scene.skin_box, 1, spots, 6)
    return encode(scene.rgb(), fmt, **params)


def bomb_png() -> bytes:
    """7000 x 7000 one-bit pixels (49 MP) in a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (7000, 7000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def photo_files(root: Path) -> list[Path]:
    folder = root / "photos"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def data_dir(app: FastAPI) -> Path:
    path: Path = app.state.settings.data_dir
    return path


@pytest.fixture(scope="session")
def png_photo() -> bytes:
    return skin_photo(seed=1, spots=3)
