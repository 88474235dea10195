"""The JSON-ready analysis report: numbers rounded, coordinates in original pixels, and
each measured quantity carrying its formula and published source (data/methods.toml)."""

from typing import Any

from needlecare.i18n import N_
from needlecare.photos.colour import Lighting
from needlecare.photos.confidence import Confidence
from needlecare.photos.decode import DecodedPhoto
from needlecare.photos.methods import citation, load_methods
from needlecare.photos.redness import Redness
from needlecare.photos.skin import Region
from needlecare.photos.spots import SpotSearch

REPORT_KIND = "needlecare.photo_analysis"
REPORT_VERSION = 1
# A catalogue message: the JSON report keeps the English; pages say it in the reader's language.
NOTICE = N_(
    "This is a measurement of colour in a photo. It informs and does not diagnose: read the "
    "numbers against your own earlier photos of the same area, and contact your clinic about "
    "anything that worries you."
)


def build_report(
    decoded: DecodedPhoto,
    working_size: tuple[int, int],
    scale: tuple[float, float],
    region: Region,
    lighting: Lighting,
    confidence: Confidence,
    redness: Redness,
    spots: SpotSearch,
) -> dict[str, Any]:
    """`scale` maps working pixels to original pixels (x, y)."""
    width, height = working_size
    sx, sy = scale
    bx, by, bw, bh = region.box
    return {
        "kind": REPORT_KIND,
        "version": REPORT_VERSION,
        "notice": NOTICE,
        "image": {
            "width": decoded.original_width,
            "height": decoded.original_height,
            "source_format": decoded.source_format,
            "had_icc_profile": decoded.had_icc_profile,
            "working_width": width,
            "working_height": height,
        },
        "roi": {
            "source": region.source,
            "box": [round(bx * sx), round(by * sy), round(bw * sx), round(bh * sy)],
            "frame_share": _r(float(region.mask.mean()), 3),
            "skin_share": _r(region.skin_fraction, 3),
        },
        "lighting": {
            "method": lighting.method,
            "not_corrected_because": lighting.skipped_because,
            "illuminant_rgb": [_r(v, 3) for v in lighting.illuminant],
            "gains": [_r(v, 3) for v in lighting.gains],
            "clamped": lighting.clamped,
            "background_share": _r(lighting.background_fraction, 3),
            **citation("grey_world"),
        },
        "confidence": confidence.as_dict(),
        "redness": {
            "a_star": {
                "mean": _r(redness.a_mean),
                "std": _r(redness.a_std),
                **{k: _r(v) for k, v in redness.a_percentiles.items()},
            },
            "l_star_mean": _r(redness.l_mean),
            "b_star_mean": _r(redness.b_mean),
            **citation("cielab"),
            "erythema_index": {
                "median": _r(redness.erythema_index_median),
                "mean": _r(redness.erythema_index_mean),
                **citation("erythema_index"),
            },
        },
        "skin_tone": {
            "ita_degrees": None if redness.ita_degrees is None else _r(redness.ita_degrees, 1),
            "category": redness.ita_category,
            **citation("ita"),
            "categories_reference": load_methods()["ita_categories"]["reference"],
        },
        "spots": {
            "count": len(spots.spots),
            "truncated": spots.truncated,
            "items": [
                {
                    "x": round(s.x * sx),
                    "y": round(s.y * sy),
                    "radius": _r(s.radius * (sx + sy) / 2, 1),
                    "a_star_excess": _r(s.a_excess),
                }
                for s in spots.spots
            ],
            "diameter_limits_px": [
                _r(spots.min_diameter * (sx + sy) / 2, 1),
                _r(spots.max_diameter * (sx + sy) / 2, 1),
            ],
            **citation("spots"),
        },
    }


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)
