"""Breakout candidates: small, round-ish areas markedly redder (a*) than the skin around them."""

from dataclasses import dataclass

import cv2
import numpy as np

from needlecare.photos import limits
from needlecare.photos.colour import FloatImage, Mask


@dataclass(frozen=True)
class Spot:
    x: float  # centroid, working pixels
    y: float
    radius: float  # equivalent-area radius, working pixels
    a_excess: float  # peak a* above the local background


@dataclass(frozen=True)
class SpotSearch:
    spots: list[Spot]
    min_diameter: float  # working pixels
    max_diameter: float
    truncated: bool  # more candidates than MAX_REPORTED_SPOTS


def find_spots(a_star: FloatImage, region: Mask) -> SpotSearch:
    area = float(region.sum())
    reference = float(np.sqrt(max(area, 1.0)))
    min_d = max(limits.SPOT_MIN_DIAMETER_PX, limits.SPOT_MIN_DIAMETER_FRACTION * reference)
    max_d = max(min_d * 2, limits.SPOT_MAX_DIAMETER_FRACTION * reference)
    # A light blur first: JPEG chroma noise must not form one-pixel "spots".
    smooth = np.asarray(cv2.GaussianBlur(a_star, (0, 0), max(0.8, min_d / 4)), dtype=np.float32)
    background = _local_background(smooth, region, limits.SPOT_BACKGROUND_SIGMA_FACTOR * max_d)
    excess = smooth - background
    inner = _erode(region, limits.SPOT_EDGE_MARGIN_FACTOR * min_d)
    candidates = ((excess > limits.SPOT_A_EXCESS) & inner).astype(np.uint8)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(candidates, connectivity=8)
    min_area = np.pi * (min_d / 2) ** 2
    max_area = np.pi * (max_d / 2) ** 2
    found: list[Spot] = []
    for label in range(1, count):
        x, y, w, h, pixels = (int(v) for v in stats[label])
        if not min_area <= pixels <= max_area:
            continue
        round_enough = pixels / (w * h) >= limits.SPOT_MIN_FILL
        if not round_enough or max(w, h) / min(w, h) > limits.SPOT_MAX_ASPECT:
            continue
        window = excess[y : y + h, x : x + w][labels[y : y + h, x : x + w] == label]
        peak = float(window.max())
        if peak < limits.SPOT_MIN_PEAK_EXCESS:
            continue
        cx, cy = centroids[label]
        found.append(Spot(float(cx), float(cy), float(np.sqrt(pixels / np.pi)), peak))
    found.sort(key=lambda s: (-s.a_excess, s.y, s.x))
    truncated = len(found) > limits.MAX_REPORTED_SPOTS
    return SpotSearch(found[: limits.MAX_REPORTED_SPOTS], min_d, max_d, truncated)


def _local_background(a_star: FloatImage, region: Mask, sigma: float) -> FloatImage:
    """Mask-normalised Gaussian blur of a* (only skin contributes), computed at a reduced size
    because the blur is wide; that keeps it fast and changes nothing at spot scale."""
    height, width = a_star.shape
    step = max(1, int(sigma // 4))
    small_size = (max(1, width // step), max(1, height // step))
    weight = region.astype(np.float32)
    small_a = cv2.resize(a_star * weight, small_size, interpolation=cv2.INTER_AREA)
    small_w = cv2.resize(weight, small_size, interpolation=cv2.INTER_AREA)
    small_sigma = max(sigma / step, 0.5)
    blurred_a = cv2.GaussianBlur(small_a, (0, 0), small_sigma, borderType=cv2.BORDER_REFLECT)
    blurred_w = cv2.GaussianBlur(small_w, (0, 0), small_sigma, borderType=cv2.BORDER_REFLECT)
    background = blurred_a / np.maximum(blurred_w, 1e-3)
    full = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.asarray(full, dtype=np.float32)


def _erode(region: Mask, margin: float) -> Mask:
    side = max(1, round(margin)) * 2 + 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    eroded: Mask = cv2.erode(region.astype(np.uint8), kernel, borderValue=0) > 0
    return eroded
