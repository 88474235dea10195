"""Real photographs bundled in scikit-image (no network): robustness and sane ranges, not
accuracy. Only the astronaut shows skin; the others must not crash or give absurd numbers."""

import json
import math
from importlib import resources

import jsonschema
import numpy as np
import pytest

from needlecare.photos import analyze, limits, measure, sanitize

from .metadata import assert_no_metadata
from .synthetic import encode

skimage_data = pytest.importorskip("skimage.data")

PHOTOS = ["astronaut", "chelsea", "coffee", "rocket"]


def _photo(name: str) -> np.ndarray:
    return np.asarray(getattr(skimage_data, name)(), dtype=np.uint8)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("name", PHOTOS)
def test_real_photo_gives_sane_numbers(name: str, fmt: str) -> None:
    rgb = _photo(name)
    height, width = rgb.shape[:2]
    result = measure(encode(rgb, fmt))
    report = result.report
    schema = resources.files("needlecare.photos").joinpath("data/analysis-report.schema.json")
    jsonschema.validate(report, json.loads(schema.read_text("utf-8")))
    assert (report["image"]["width"], report["image"]["height"]) == (width, height)
    x, y, w, h = report["roi"]["box"]
    assert x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= width and y + h <= height
    a = report["redness"]["a_star"]
    assert -60 < a["p5"] <= a["p50"] <= a["p95"] < 80
    assert math.isfinite(report["redness"]["erythema_index"]["median"])
    ita = report["skin_tone"]["ita_degrees"]
    assert ita is None or -90 <= ita <= 90
    assert 0.0 <= report["confidence"]["score"] <= 1.0
    assert 0 <= report["spots"]["count"] <= limits.MAX_REPORTED_SPOTS
    for spot in report["spots"]["items"]:
        assert 0 <= spot["x"] < width and 0 <= spot["y"] < height
    assert result.overlay_png().startswith(b"\x89PNG")


def test_astronaut_region_is_her_face() -> None:
    report = analyze(encode(_photo("astronaut")))
    x, y, w, h = report["roi"]["box"]
    centre = (x + w / 2, y + h / 2)
    # The face spans roughly x 170-290, y 30-200 in this 512 x 512 portrait.
    assert 170 <= centre[0] <= 290 and 30 <= centre[1] <= 200
    assert report["roi"]["source"] == "auto"
    assert report["skin_tone"]["ita_degrees"] is not None


@pytest.mark.parametrize("name", PHOTOS)
def test_real_photo_sanitizes_cleanly(name: str) -> None:
    result = sanitize(encode(_photo(name), "JPEG", quality=95))
    assert_no_metadata(result.image)
    assert_no_metadata(result.thumbnail)
