"""Skin region of interest: a YCrCb skin-colour rule, cleaned, largest component, holes filled."""

from dataclasses import dataclass

import cv2
import numpy as np

from needlecare.photos import limits
from needlecare.photos.colour import ByteImage, Mask
from needlecare.photos.errors import InvalidRoi

Box = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class Region:
    """The measured pixels (working resolution) and how they were chosen."""

    mask: Mask
    source: str  # "auto" | "manual" | "fallback_centre"
    box: Box  # bounding box of `mask`, working pixels
    skin_fraction: float  # share of the frame (auto) or of the box (manual) that is skin


def skin_colour_mask(rgb: ByteImage) -> Mask:
    """Pixels whose chroma falls in the skin box of Chai and Ngan (1999), widened a little
    for redness (inflamed skin has a higher Cr), clearly away from neutral (not a beige
    wall), and not in deep shadow."""
    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    y, cr, cb = ycrcb[..., 0], ycrcb[..., 1], ycrcb[..., 2]
    cr_lo, cr_hi = limits.SKIN_CR_RANGE
    cb_lo, cb_hi = limits.SKIN_CB_RANGE
    in_box = (cr >= cr_lo) & (cr <= cr_hi) & (cb >= cb_lo) & (cb <= cb_hi)
    chromatic = cr.astype(np.int16) - cb >= limits.SKIN_MIN_CR_MINUS_CB
    mask: Mask = in_box & chromatic & (y >= limits.SKIN_MIN_Y)
    return mask


def auto_region(rgb: ByteImage, skin: Mask | None = None) -> Region:
    """Largest connected skin area, smoothed and with holes (spots, pores, eyes) filled.
    `skin` is `skin_colour_mask(rgb)` when the caller already has it.

    Falls back to the centre of the frame when no skin-coloured area is large enough.
    """
    height, width = rgb.shape[:2]
    raw = (skin_colour_mask(rgb) if skin is None else skin).astype(np.uint8)
    side = max(3, round(max(width, height) * limits.SKIN_MORPH_FRACTION) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    cleaned = cv2.morphologyEx(raw, cv2.MORPH_OPEN, kernel)
    cleaned = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cleaned, connectivity=8)
    if count > 1:
        largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        area = int(stats[largest, cv2.CC_STAT_AREA])
        if area >= limits.MIN_SKIN_FRACTION * width * height:
            component = _fill_holes((labels == largest).astype(np.uint8))
            return Region(component, "auto", _bounding_box(component), area / (width * height))
    return _centre_region(width, height)


def manual_region(rgb: ByteImage, box: Box) -> Region:
    """The drawn box (working pixels, clipped to the frame); within it, skin-coloured pixels
    when they cover most of the box, so hair or an eyebrow in a corner is left out."""
    height, width = rgb.shape[:2]
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + w), min(height, y + h)
    if x1 - x0 < limits.MIN_ROI_SIDE or y1 - y0 < limits.MIN_ROI_SIDE:
        raise InvalidRoi("The region of interest is outside the image or too small to measure.")
    mask: Mask = np.zeros((height, width), dtype=bool)
    skin = skin_colour_mask(rgb[y0:y1, x0:x1])
    share = float(skin.mean())
    inside = _fill_holes(skin.astype(np.uint8))
    if share >= limits.MANUAL_ROI_MIN_SKIN_SHARE:
        mask[y0:y1, x0:x1] = inside
    else:
        mask[y0:y1, x0:x1] = True
    return Region(mask, "manual", _bounding_box(mask), share)


def _fill_holes(component: np.ndarray) -> Mask:
    """Fill everything not reachable from the border (spots redder than the skin rule)."""
    height, width = component.shape
    padded = np.zeros((height + 2, width + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = component
    flood = padded.copy()
    cv2.floodFill(flood, np.zeros((height + 4, width + 4), np.uint8), (0, 0), 1)
    holes = flood[1:-1, 1:-1] == 0
    filled: Mask = (component > 0) | holes
    return filled


def _centre_region(width: int, height: int) -> Region:
    fraction = limits.FALLBACK_BOX_FRACTION
    w, h = max(1, round(width * fraction)), max(1, round(height * fraction))
    x, y = (width - w) // 2, (height - h) // 2
    mask: Mask = np.zeros((height, width), dtype=bool)
    mask[y : y + h, x : x + w] = True
    return Region(mask, "fallback_centre", (x, y, w, h), 0.0)


def _bounding_box(mask: Mask) -> Box:
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    return (int(x), int(y), int(w), int(h))
