"""Colour arithmetic: sRGB linearisation, CIELAB, grey-world lighting normalisation."""

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from needlecare.photos import limits

FloatImage = npt.NDArray[np.float32]
ByteImage = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


def _srgb_to_linear_table() -> FloatImage:
    """IEC 61966-2-1 sRGB decoding curve for the 256 8-bit levels."""
    v = np.arange(256, dtype=np.float64) / 255.0
    lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return lin.astype(np.float32)


_TO_LINEAR = _srgb_to_linear_table()


def to_linear(rgb: ByteImage, gains: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> FloatImage:
    """8-bit sRGB (H, W, 3) to linear-light float32 in 0..1, each channel scaled by `gains`
    (the von Kries lighting correction) and clipped, in one table look-up."""
    table = np.clip(_TO_LINEAR[:, None] * np.asarray(gains, dtype=np.float32), 0.0, 1.0)
    linear = cv2.LUT(np.ascontiguousarray(rgb), table.reshape(256, 1, 3).astype(np.float32))
    return np.asarray(linear, dtype=np.float32)


def linear_to_lab(linear: FloatImage) -> FloatImage:
    """Linear RGB (sRGB primaries, D65) to CIELAB: L* 0..100, a*, b* in CIE units."""
    lab = cv2.cvtColor(np.ascontiguousarray(linear, dtype=np.float32), cv2.COLOR_LRGB2Lab)
    return np.asarray(lab, dtype=np.float32)


@dataclass(frozen=True)
class Lighting:
    """The estimated illuminant (linear RGB, mean 1) and the gains applied to remove it."""

    method: str  # "grey_world_background" | "none"
    illuminant: tuple[float, float, float]
    gains: tuple[float, float, float]
    clamped: bool
    background_fraction: float
    skipped_because: str | None  # "no_background" | "implausible" when method is "none"

    @property
    def cast_ratio(self) -> float:
        """Max/min channel ratio of the illuminant: 1.0 is neutral light."""
        return max(self.illuminant) / max(min(self.illuminant), 1e-6)


def estimate_lighting(linear: FloatImage, skin: Mask) -> Lighting:
    """Grey-world estimate over the near-neutral non-skin pixels (walls, white or grey clothes).

    Grey world over the whole frame would neutralise the skin itself in a close-up and erase
    the redness we want to measure, and strongly coloured things (a red flag, an orange
    shirt) would pull it; so only near-neutral background is assumed to average to grey.
    With too little background, or an implausibly strong cast, no correction is made (and
    the comparison confidence is lowered).
    """
    red, green, blue = linear[..., 0], linear[..., 1], linear[..., 2]
    luma = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    low, high = limits.BACKGROUND_LUMA_RANGE
    brightest = np.maximum(np.maximum(red, green), blue)
    darkest = np.minimum(np.minimum(red, green), blue)
    near_neutral = brightest <= limits.NEUTRAL_MAX_RATIO * darkest
    usable = (~skin) & (luma > low) & (brightest < high) & near_neutral
    fraction = float(usable.mean())
    if fraction < limits.MIN_BACKGROUND_FRACTION:
        return Lighting("none", (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), False, fraction, "no_background")
    means = np.array(cv2.mean(linear, mask=usable.astype(np.uint8))[:3], dtype=np.float64)
    illuminant = means / max(means.mean(), 1e-9)
    if illuminant.max() / max(illuminant.min(), 1e-6) > limits.CAST_RATIO_BAD:
        # More likely a coloured background (red wall, blue shirt) than coloured light:
        # correcting would distort the skin, so leave it and report the estimate.
        neutral = (1.0, 1.0, 1.0)
        return Lighting("none", _triple(illuminant), neutral, False, fraction, "implausible")
    raw_gains = 1.0 / np.maximum(illuminant, 1e-6)
    lo, hi = limits.GAIN_RANGE
    gains = np.clip(raw_gains, lo, hi)
    return Lighting(
        method="grey_world_background",
        illuminant=_triple(illuminant),
        gains=_triple(gains),
        clamped=bool(np.any(gains != raw_gains)),
        background_fraction=fraction,
        skipped_because=None,
    )


def _triple(values: npt.NDArray[np.float64]) -> tuple[float, float, float]:
    return (float(values[0]), float(values[1]), float(values[2]))
