"""The photo pages' words (issue 19): every label, reading and reason a measurement shows,
as catalogue messages, so a patient reads their photos in their own language. The
measurement report stays English with its codes (the API's JSON); its words are looked up
here by code where they are shown. A patient reads plain words first ("Redder than on day
3"); the figures (a*, ITA°) are for the clinic and sit behind a toggle on their pages."""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any

from needlecare.i18n import N_, Text
from needlecare.photos.words import ITA_NAMES
from needlecare.storage.models import Photo
from needlecare.web.pages.presenters import day_label
from needlecare.web.pages.vocab import AREAS

# The report's notice (photos.report.NOTICE, the same words: a test keeps them so).
NOTICE = N_(
    "This is a measurement of colour in a photo. It informs and does not diagnose: read the "
    "numbers against your own earlier photos of the same area, and contact your clinic about "
    "anything that worries you."
)
LEVEL_WORDS = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
# Whole sentences with their placeholders, so that a translation may order them its own way.
PLAIN_REDNESS = {
    "redder": N_("Redder than on day {day}, {spots}"),
    "less red": N_("Less red than on day {day}, {spots}"),
    "no clear change": N_("About as red as on day {day}, {spots}"),
}
COMPARED = N_("Compared with day {day}, {spots}")
READING = {
    "redder": N_("redder"),
    "less red": N_("less red"),
    "no clear change": N_("no clear change"),
}
# Why a measurement or a comparison is less sure, by the report's reason code; {value} is the
# figure the English report wrote into its message (a ratio, a share, degrees).
REASONS = {
    "no_skin_found": N_("No skin area was recognised; the centre of the photo was used."),
    "no_lighting_reference": N_(
        "Too little background around the skin to estimate the light; colours are "
        "uncorrected. Include some wall or clothing in the frame."
    ),
    "lighting_estimate_implausible": N_(
        "The background is strongly coloured (channel ratio {value}); colours are "
        "uncorrected. A plain white or grey background works best."
    ),
    "strong_colour_cast": N_(
        "The light was strongly coloured (channel ratio {value}); the correction is less "
        "reliable. Daylight or neutral white light works best."
    ),
    "correction_limited": N_("The colour correction reached its limit."),
    "small_region": N_("The measured skin area is small; numbers vary more between photos."),
    "overexposed": N_("{value} of the skin is burnt out (too bright); avoid flash and glare."),
    "underexposed": N_("The photo is dark; take it in brighter, even light."),
    "photo_confidence": N_("At least one of the photos was measured with reduced confidence."),
    "tone_mismatch": N_(
        "Skin tone differs by {value} ITA: different light or a different area; take both "
        "photos in the same place and light."
    ),
    "region_choice_differs": N_("One region was drawn by hand and the other found automatically."),
}
ALIKE = N_("Light and measured region look alike in both photos.")
_FIGURE = re.compile(r"\d+(?:\.\d+)?[%°]?")
_AREA_LABELS = {o["value"]: o["label"] for o in AREAS}


def area_label(area: str) -> str:
    """A treated area's label ("Face"), or the words a person typed, as they typed them."""
    return _AREA_LABELS.get(area, area)


def taken_on(photo: Photo, zone: tzinfo) -> str:
    """The day a photo was taken, in the viewer's zone (UTC's date is already the next day
    on an evening in the Americas)."""
    return day_label(photo.taken_at.astimezone(zone).date())


def reason_text(reason: dict[str, Any]) -> str:
    """A reason of the report in catalogue words (its English message when the code is new)."""
    message = str(reason.get("message", ""))
    template = REASONS.get(str(reason.get("code")))
    if template is None:
        return message
    if "{value}" not in template:
        return Text(template)
    figure = _FIGURE.search(message)
    return Text(template, value=figure.group(0)) if figure else message


def spot_text(change: int) -> Text:
    count = abs(change)
    if change == 0:
        return Text("the same number of spots")
    if change > 0:
        return Text("1 more spot") if count == 1 else Text("{count} more spots", count=count)
    return Text("1 fewer spot") if count == 1 else Text("{count} fewer spots", count=count)


def metrics(photo: Photo) -> dict[str, Any]:
    report = photo.analysis or {}
    redness = report.get("redness", {})
    tone = report.get("skin_tone", {})
    confidence = report.get("confidence", {})
    level = confidence.get("level", "low")
    return {
        "a_star": redness.get("a_star", {}).get("mean"),
        "erythema_index": redness.get("erythema_index", {}).get("median"),
        "ita": tone.get("ita_degrees"),
        "ita_category": ITA_NAMES.get(str(tone.get("category"))),
        "spots": report.get("spots", {}).get("count"),
        "confidence": level,
        "confidence_label": LEVEL_WORDS.get(level, level),
        "reasons": [reason_text(r) for r in confidence.get("reasons", [])],
        "roi_source": report.get("roi", {}).get("source", "auto"),
    }


def comparison_view(comparison: dict[str, Any] | None, reference: Photo | None) -> dict[str, Any]:
    """A comparison in plain words: what changed, and how far to trust it (and why)."""
    if reference is None:
        return {}
    against = Text("day {day}", day=reference.day)
    if comparison is None:
        return {
            "against": against,
            "plain": N_("Not comparable with this photo yet"),
            "summary": Text("Not comparable: one photo was measured by an older version."),
            "reading": None,
            "confidence": "low",
            "confidence_label": LEVEL_WORDS["low"],
            "reasons": [Text("Measure the older photo again to compare.")],
        }
    redness = comparison["reading"]["redness"]
    spots = spot_text(int(comparison["delta"]["spot_count"]))
    confidence = comparison["confidence"]
    reasons = [reason_text(r) for r in confidence.get("reasons", [])] or [Text(ALIKE)]
    return {
        "against": against,
        # What a patient reads first; the figures stay behind a toggle (a* is for the clinic).
        "plain": Text(PLAIN_REDNESS.get(redness, COMPARED), day=reference.day, spots=spots),
        # The figures behind it; the template writes the number the reader's way.
        "reading": Text(READING.get(redness, redness)),
        "delta": float(comparison["delta"]["a_star_mean"]),
        "spots": spots,
        "confidence": confidence["level"],
        "confidence_label": LEVEL_WORDS.get(confidence["level"], confidence["level"]),
        "reasons": reasons,
    }
