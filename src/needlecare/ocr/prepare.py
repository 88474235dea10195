"""Photo → the grey image tesseract reads best: safe decode, orientation, size, contrast.

Every step is here because bench/ocr_labels.py showed it helps (see bench/README.md, OCR).
The photo is decoded by the photo upload's own guards (`photos.decode.open_photo`), so a
hostile or broken file is refused for the same reasons as an uploaded photo, and EXIF
orientation is applied there.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from needlecare.photos.decode import open_photo

# Tesseract reads best when capitals are ~30 px tall; labels photographed from arm's length
# at 6 pt are smaller, so small photos are enlarged and huge ones reduced to bound the time.
MIN_LONG_SIDE = 1800
MAX_LONG_SIDE = 3200
_CLAHE_CLIP = 2.0
_CLAHE_TILES = (8, 8)


def prepare(data: bytes) -> np.ndarray:
    """A uint8 grey image ready for OCR. Raises `PhotoRejected` for files the guards refuse."""
    decoded = open_photo(data, max_long_side=MAX_LONG_SIDE)
    grey = np.asarray(decoded.image.convert("L"))
    grey = _resize(grey)
    grey = _deskew(grey)
    clahe = cv2.createCLAHE(clipLimit=_CLAHE_CLIP, tileGridSize=_CLAHE_TILES)
    return clahe.apply(grey)


def _resize(grey: np.ndarray) -> np.ndarray:
    long_side = max(grey.shape)
    if long_side < MIN_LONG_SIDE:
        factor = MIN_LONG_SIDE / long_side
        return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    if long_side > MAX_LONG_SIDE:
        factor = MAX_LONG_SIDE / long_side
        return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return grey


_SKEW_LIMIT_DEGREES = 8.0
_SKEW_STEP_DEGREES = 0.5
_SKEW_SAMPLE_SIDE = 700


def _deskew(grey: np.ndarray) -> np.ndarray:
    """Rotate so printed lines are level: the angle whose row profile of ink is sharpest."""
    angle = _skew_angle(grey)
    if abs(angle) < _SKEW_STEP_DEGREES:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(
        grey, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def _skew_angle(grey: np.ndarray) -> float:
    factor = _SKEW_SAMPLE_SIDE / max(grey.shape)
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    # Ink = locally dark pixels, so a dark table edge or a shadow does not count as text.
    ink = cv2.adaptiveThreshold(
        small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10
    ).astype(np.float32)
    height, width = ink.shape
    centre = (width / 2, height / 2)
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-_SKEW_LIMIT_DEGREES, _SKEW_LIMIT_DEGREES + 1e-9, _SKEW_STEP_DEGREES):
        matrix = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST)
        score = float(np.var(rotated.sum(axis=1)))
        if score > best_score:
            best_angle, best_score = float(angle), score
    return best_angle


def to_png(grey: np.ndarray) -> bytes:
    """PNG bytes, fast compression: the image only crosses a pipe to the engine."""
    ok, encoded = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:  # cannot happen for a uint8 2-D array; kept so a failure is not silent
        raise ValueError("could not encode the prepared image")
    return encoded.tobytes()


def as_pil(grey: np.ndarray) -> Image.Image:
    return Image.fromarray(grey)
