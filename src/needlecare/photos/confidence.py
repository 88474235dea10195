"""How far two photos' numbers can be compared: a score with the reasons that lowered it."""

from dataclasses import dataclass, field

import numpy as np

from needlecare.photos import limits
from needlecare.photos.colour import ByteImage, Lighting, Mask


@dataclass
class Confidence:
    score: float = 1.0
    reasons: list[dict[str, str]] = field(default_factory=list)

    def lower(self, factor: float, code: str, message: str) -> None:
        self.score *= max(limits.CONFIDENCE_FLOOR, min(1.0, factor))
        self.reasons.append({"code": code, "message": message})

    @property
    def level(self) -> str:
        return level_of(self.score)

    def as_dict(self) -> dict[str, object]:
        return {"score": round(self.score, 2), "level": self.level, "reasons": self.reasons}


def level_of(score: float) -> str:
    for threshold, name in limits.CONFIDENCE_LEVELS:
        if score >= threshold:
            return name
    return "low"


def assess(
    lighting: Lighting, rgb: ByteImage, region: Mask, l_mean: float, region_source: str
) -> Confidence:
    confidence = Confidence()
    if region_source == "fallback_centre":
        confidence.lower(
            0.3, "no_skin_found", "No skin area was recognised; the centre of the photo was used."
        )
    if lighting.skipped_because == "no_background":
        confidence.lower(
            0.6,
            "no_lighting_reference",
            "Too little background around the skin to estimate the light; colours are "
            "uncorrected. Include some wall or clothing in the frame.",
        )
    cast = lighting.cast_ratio
    if lighting.skipped_because == "implausible":
        confidence.lower(
            0.3,
            "lighting_estimate_implausible",
            f"The background is strongly coloured (channel ratio {cast:.2f}); colours are "
            "uncorrected. A plain white or grey background works best.",
        )
    elif cast > limits.CAST_RATIO_OK:
        span = limits.CAST_RATIO_BAD - limits.CAST_RATIO_OK
        confidence.lower(
            1.0 - 0.6 * min(1.0, (cast - limits.CAST_RATIO_OK) / span),
            "strong_colour_cast",
            f"The light was strongly coloured (channel ratio {cast:.2f}); the correction "
            "is less reliable. Daylight or neutral white light works best.",
        )
    if lighting.clamped:
        confidence.lower(0.7, "correction_limited", "The colour correction reached its limit.")
    frame_share = float(region.mean())
    pixels = int(region.sum())
    if frame_share < limits.ROI_FRACTION_OK or pixels < limits.ROI_MIN_PIXELS_OK:
        confidence.lower(
            min(frame_share / limits.ROI_FRACTION_OK, pixels / limits.ROI_MIN_PIXELS_OK),
            "small_region",
            "The measured skin area is small; numbers vary more between photos.",
        )
    brightest = np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])
    burnt = (brightest >= limits.OVEREXPOSED_LEVEL) & region
    overexposed = float(burnt.sum()) / max(pixels, 1)
    if overexposed > limits.OVEREXPOSED_SHARE_OK:
        confidence.lower(
            float(np.clip(1.0 - 2.0 * overexposed, 0.0, 1.0)),
            "overexposed",
            f"{overexposed:.0%} of the skin is burnt out (too bright); avoid flash and glare.",
        )
    if l_mean < limits.UNDEREXPOSED_L_STAR:
        confidence.lower(
            l_mean / limits.UNDEREXPOSED_L_STAR,
            "underexposed",
            "The photo is dark; take it in brighter, even light.",
        )
    return confidence
