"""Redness and skin-tone numbers inside the region of interest."""

import math
from dataclasses import dataclass

import cv2
import numpy as np

from needlecare.photos import limits
from needlecare.photos.colour import FloatImage, Mask
from needlecare.photos.methods import ita_category

PERCENTILES = (5, 25, 50, 75, 95)
_EPS = 1e-4  # keeps log10 finite on black pixels


@dataclass(frozen=True)
class Redness:
    a_mean: float
    a_std: float
    a_percentiles: dict[str, float]
    l_mean: float
    b_mean: float
    erythema_index_median: float
    erythema_index_mean: float
    ita_degrees: float | None
    ita_category: str | None


def measure_redness(lab: FloatImage, linear: FloatImage, region: Mask) -> Redness:
    mask8 = region.astype(np.uint8)
    means, stds = cv2.meanStdDev(lab, mask=mask8)
    l_mean, a_mean, b_mean = (float(v) for v in means.ravel())
    a_values = lab[..., 1][region]
    # Dawson/Diffey erythema index on camera bands: 100 * log10(R / G) (methods.toml).
    ratio = (linear[..., 0][region] + _EPS) / (linear[..., 1][region] + _EPS)
    ei = 100.0 * np.log10(ratio)
    ita = individual_typology_angle(l_mean, b_mean)
    return Redness(
        a_mean=a_mean,
        a_std=float(stds.ravel()[1]),
        a_percentiles={
            f"p{p}": float(v)
            for p, v in zip(PERCENTILES, np.percentile(a_values, PERCENTILES), strict=True)
        },
        l_mean=l_mean,
        b_mean=b_mean,
        erythema_index_median=float(np.median(ei)),
        erythema_index_mean=float(ei.mean(dtype=np.float64)),
        ita_degrees=ita,
        ita_category=None if ita is None else ita_category(ita),
    )


def individual_typology_angle(l_star: float, b_star: float) -> float | None:
    """ITA° = arctan((L* - 50) / b*) * 180 / pi (Chardon et al. 1991). Undefined for b* <= 0
    and unstable near it (grey or bluish areas are not skin), so None below ITA_MIN_B_STAR."""
    if b_star < limits.ITA_MIN_B_STAR:
        return None
    return math.degrees(math.atan((l_star - 50.0) / b_star))
