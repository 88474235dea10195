"""Change between two `analyze()` reports: vs the previous photo and vs the baseline photo."""

from collections.abc import Mapping
from typing import Any

from needlecare.photos import limits
from needlecare.photos.confidence import Confidence
from needlecare.photos.errors import IncomparableReports
from needlecare.photos.methods import citation
from needlecare.photos.report import NOTICE, REPORT_KIND, REPORT_VERSION

COMPARISON_KIND = "needlecare.photo_comparison"


def compare(current: Mapping[str, Any], reference: Mapping[str, Any]) -> dict[str, Any]:
    """Differences `current - reference` with a plain reading and how far to trust it.

    The confidence is the lower of the two photos' confidences, lowered again when the
    skin tone (ITA) differs a lot (different light or a different area) or when one region
    was drawn by hand and the other found automatically.
    """
    now, ref = _numbers(current, "current"), _numbers(reference, "reference")
    delta_a = now["a_mean"] - ref["a_mean"]
    delta_ei = now["ei"] - ref["ei"]
    delta_spots = int(now["spots"] - ref["spots"])
    delta_ita = None if now["ita"] is None or ref["ita"] is None else float(now["ita"] - ref["ita"])

    confidence = Confidence(score=min(now["confidence"], ref["confidence"]))
    if min(now["confidence"], ref["confidence"]) < 0.75:
        confidence.reasons.append(
            {
                "code": "photo_confidence",
                "message": "At least one of the photos was measured with reduced confidence.",
            }
        )
    if delta_ita is not None and abs(delta_ita) > limits.ITA_SAME_AREA_TOLERANCE:
        confidence.lower(
            0.6,
            "tone_mismatch",
            f"Skin tone differs by {abs(delta_ita):.0f}° ITA: different light or a different "
            "area; take both photos in the same place and light.",
        )
    if now["roi_source"] != ref["roi_source"]:
        confidence.lower(
            0.8,
            "region_choice_differs",
            "One region was drawn by hand and the other found automatically.",
        )

    return {
        "kind": COMPARISON_KIND,
        "version": REPORT_VERSION,
        "notice": NOTICE,
        "delta": {
            "a_star_mean": round(delta_a, 2),
            "a_star_p95": round(now["a_p95"] - ref["a_p95"], 2),
            "erythema_index_median": round(delta_ei, 2),
            "spot_count": delta_spots,
            "ita_degrees": None if delta_ita is None else round(delta_ita, 1),
        },
        "reading": {
            "redness": _redness_reading(delta_a),
            "spots": "more" if delta_spots > 0 else "fewer" if delta_spots < 0 else "same",
        },
        "confidence": confidence.as_dict(),
        "noticeable_change": {"a_star": limits.A_STAR_NOTICEABLE, **citation("jnd")},
    }


def compare_history(
    current: Mapping[str, Any],
    previous: Mapping[str, Any] | None = None,
    baseline: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Both comparisons the photo timeline shows; a missing reference gives `None`."""
    return {
        "vs_previous": None if previous is None else compare(current, previous),
        "vs_baseline": None if baseline is None else compare(current, baseline),
    }


def _redness_reading(delta_a: float) -> str:
    if abs(delta_a) < limits.A_STAR_NOTICEABLE:
        return "no clear change"
    return "redder" if delta_a > 0 else "less red"


def _numbers(report: Mapping[str, Any], name: str) -> dict[str, Any]:
    if not isinstance(report, Mapping) or report.get("kind") != REPORT_KIND:
        raise IncomparableReports(f"The {name} value is not a photo analysis report.")
    if report.get("version") != REPORT_VERSION:
        raise IncomparableReports(
            f"The {name} report has version {report.get('version')!r}; "
            f"expected {REPORT_VERSION}. Analyse the photo again."
        )
    try:
        ita = report["skin_tone"]["ita_degrees"]
        return {
            "a_mean": float(report["redness"]["a_star"]["mean"]),
            "a_p95": float(report["redness"]["a_star"]["p95"]),
            "ei": float(report["redness"]["erythema_index"]["median"]),
            "spots": int(report["spots"]["count"]),
            "ita": None if ita is None else float(ita),
            "confidence": float(report["confidence"]["score"]),
            "roi_source": str(report["roi"]["source"]),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise IncomparableReports(f"The {name} report is incomplete: {exc!r} is missing.") from exc
