"""`analyze()`: from photo bytes to a JSON-ready measurement report (and an overlay image)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from needlecare.photos import limits
from needlecare.photos.colour import (
    ByteImage,
    estimate_lighting,
    linear_to_lab,
    to_linear,
)
from needlecare.photos.confidence import assess
from needlecare.photos.decode import open_photo
from needlecare.photos.errors import InvalidRoi, PhotoRejected, RejectReason
from needlecare.photos.redness import measure_redness
from needlecare.photos.report import build_report
from needlecare.photos.skin import Box, Region, auto_region, manual_region, skin_colour_mask
from needlecare.photos.spots import SpotSearch, find_spots

_OVERLAY_REGION_BGR = (255, 200, 0)
_OVERLAY_SPOT_BGR = (0, 230, 255)


@dataclass(frozen=True)
class PhotoMeasurement:
    """The report plus what is needed to draw the overlay without decoding again."""

    report: dict[str, Any]
    working_rgb: ByteImage
    region: Region
    spots: SpotSearch

    def overlay_png(self) -> bytes:
        """The photo at working size with the measured region outlined and spots circled."""
        canvas = cv2.cvtColor(self.working_rgb, cv2.COLOR_RGB2BGR)
        thickness = max(1, round(max(canvas.shape[:2]) / 600))
        contours, _ = cv2.findContours(
            self.region.mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
        )
        cv2.drawContours(canvas, contours, -1, _OVERLAY_REGION_BGR, thickness, cv2.LINE_AA)
        for spot in self.spots.spots:
            radius = max(6, round(spot.radius * 1.8))
            centre = (round(spot.x), round(spot.y))
            cv2.circle(canvas, centre, radius, _OVERLAY_SPOT_BGR, thickness + 1, cv2.LINE_AA)
        ok, encoded = cv2.imencode(".png", canvas)
        assert ok, "PNG encoding of an in-memory uint8 image cannot fail"
        return encoded.tobytes()


def analyze(image_bytes: bytes, roi: Sequence[float] | None = None) -> dict[str, Any]:
    """Measure redness, skin tone and breakout candidates; see `measure`."""
    return measure(image_bytes, roi).report


def measure(image_bytes: bytes, roi: Sequence[float] | None = None) -> PhotoMeasurement:
    """Measure a photo. `roi` is an optional box (x, y, width, height) in original pixels
    (after EXIF orientation) that replaces the automatic skin region.

    Raises `PhotoRejected` for unacceptable files and `InvalidRoi` for an unusable box.
    """
    box = _validate_roi(roi)
    decoded = open_photo(image_bytes, max_long_side=limits.WORKING_LONG_SIDE)
    if min(decoded.original_width, decoded.original_height) < limits.MIN_ANALYSIS_SIDE:
        raise PhotoRejected(
            RejectReason.TOO_SMALL,
            f"The photo is too small to measure (at least {limits.MIN_ANALYSIS_SIDE} px a side).",
        )
    rgb = _to_working_size(np.asarray(decoded.image))
    height, width = rgb.shape[:2]
    sx, sy = decoded.original_width / width, decoded.original_height / height

    # The region comes from the photo as taken: skin-colour rules are made for camera
    # output, and a wrong lighting estimate must not move the region.
    skin = skin_colour_mask(rgb)
    if box is None:
        region = auto_region(rgb, skin)
    else:
        region = manual_region(rgb, _box_to_working(box, sx, sy))
    # The illuminant is a mean: every other pixel in each direction estimates it as well.
    lighting = estimate_lighting(to_linear(rgb[::2, ::2]), (region.mask | skin)[::2, ::2])
    corrected = to_linear(rgb, lighting.gains)
    lab = linear_to_lab(corrected)
    redness = measure_redness(lab, corrected, region.mask)
    spots = find_spots(np.ascontiguousarray(lab[..., 1]), region.mask)
    confidence = assess(lighting, rgb, region.mask, redness.l_mean, region.source)

    report = build_report(
        decoded, (width, height), (sx, sy), region, lighting, confidence, redness, spots
    )
    return PhotoMeasurement(report, rgb, region, spots)


def _validate_roi(roi: Sequence[float] | None) -> Box | None:
    """Four finite numbers x, y, width, height (floats from a drawn box are rounded)."""
    if roi is None:
        return None
    values = tuple(roi)
    if len(values) != 4 or not all(
        isinstance(v, int | float | np.integer | np.floating)
        and not isinstance(v, bool)
        and math.isfinite(v)
        for v in values
    ):
        raise InvalidRoi("The region of interest must be four numbers: x, y, width, height.")
    x, y, w, h = (round(float(v)) for v in values)
    if w <= 0 or h <= 0:
        raise InvalidRoi("The region of interest needs a positive width and height.")
    return (x, y, w, h)


def _box_to_working(box: Box, sx: float, sy: float) -> Box:
    x, y, w, h = box
    x0, y0 = int(np.floor(x / sx)), int(np.floor(y / sy))
    x1, y1 = int(np.ceil((x + w) / sx)), int(np.ceil((y + h) / sy))
    return (x0, y0, x1 - x0, y1 - y0)


def _to_working_size(rgb: ByteImage) -> ByteImage:
    height, width = rgb.shape[:2]
    scale = limits.WORKING_LONG_SIDE / max(height, width)
    if scale >= 1:
        return np.ascontiguousarray(rgb)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # Area averaging avoids aliasing on big reductions; the last step after JPEG DCT
    # scaling is small (2000 -> 1600 px), where bilinear is as good and much faster.
    method = cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR
    resized = cv2.resize(rgb, size, interpolation=method)
    return np.asarray(resized, dtype=np.uint8)
