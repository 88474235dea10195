"""From a validated check-in to the flat facts that rule conditions test.

The facts include what the normal course allows for the band and day (data/expectations.toml):
`excess_*` is how far a score is above the expected maximum today, and `past_*` how many days
the check-in is past a band's window. Missing information is read conservatively:
an unknown depth uses the tighter symptom windows of band M and the longest product windows;
an unknown skin type counts as prone to pigment change; spots without a kind could be pustules.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from needlecare.knowledge.bands import Band, depth_band
from needlecare.triage.validate import FLAGS, SCORES, Checkin
from needlecare.triage.vocabulary import FEVER_FROM_C, HIGH_FEVER_FROM_C, WORSE_CHOICES

PIGMENT_RISK_FROM = 4  # Fitzpatrick IV-VI (reference.md#CI-12)
FEW_BREAKOUTS = 5  # "a few" spots (reference.md#BO-07), the conservative reading


@dataclass(frozen=True)
class BandExpectations:
    name: str
    by_day: tuple[tuple[int, int, int, int], ...]  # (redness, swelling, pain, itch) max per day
    peak_until: int
    redness_clear_after: int
    redness_review_after: int
    flaking_until: int
    warmth_until: int
    day0_bleeding_expected: bool

    def maxima(self, day: int) -> tuple[int, int, int, int]:
        return self.by_day[min(day, len(self.by_day) - 1)]


def raw_expectations() -> dict[str, Any]:
    text = resources.files("needlecare.triage").joinpath("data", "expectations.toml").read_text()
    return tomllib.loads(text)


@cache
def expectations() -> dict[str | None, BandExpectations]:
    """Per band value; the key None (depth not given) uses the tighter band of the data."""
    document = raw_expectations()
    periods = document["periods"]
    found: dict[str | None, BandExpectations] = {}
    for band, item in document["bands"].items():
        by_day: list[tuple[int, int, int, int]] = []
        for day in range(periods[-1][0] + 1):
            index = next(i for i, (first, last) in enumerate(periods) if first <= day <= last)
            by_day.append(
                tuple(item[name][index] for name in ("redness", "swelling", "pain", "itch"))
            )
        found[band] = BandExpectations(
            name=item["name"],
            by_day=tuple(by_day),
            peak_until=item["peak_until"],
            redness_clear_after=item["redness_clear_after"],
            redness_review_after=item["redness_review_after"],
            flaking_until=item["flaking_until"],
            warmth_until=item["warmth_until"],
            day0_bleeding_expected=item["day0_bleeding_expected"],
        )
    found[None] = found[document["unknown_band_symptoms"]]
    return found


def band_of(checkin: Checkin) -> Band | None:
    """The depth band, or None when the depth is not known (RF needs no depth)."""
    if checkin.device == "rf":
        return Band.RF
    if checkin.depth_mm is None:
        return None
    return depth_band(checkin.depth_mm, checkin.device or "pen")


@lru_cache(maxsize=8192)
def _verdict(text: str, day: int, band: str | None) -> tuple[str, str, frozenset[str]]:
    """(status, names of the ingredients behind it, all flags); "unreadable" if not a list."""
    try:
        from needlecare.ingredients import check_label
    except ImportError:  # the ingredient checker is not installed: we cannot check
        return "unreadable", "", frozenset()
    try:
        result = check_label(text, day=day, band=band)
    except Exception:  # any failure to read a label means "not checked", never a crash
        return "unreadable", "", frozenset()
    verdict = result.get("verdict", {})
    status = str(verdict.get("status", "unreadable"))
    # name the ingredients behind the verdict (reasons also list soothing or neutral ones)
    names = [
        r.get("ingredient", "") for r in verdict.get("reasons", []) if r.get("status") == status
    ]
    flags = frozenset(f for item in result.get("ingredients", []) for f in item.get("flags", []))
    return status, ", ".join(dict.fromkeys(n.title() for n in names if n)), flags


def _product_facts(checkin: Checkin, band: Band | None) -> dict[str, Any]:
    avoid: list[str] = []
    caution: list[str] = []
    unreadable = False
    flags: set[str] = set()
    band_value = band.value if band is not None else None
    for index, text in enumerate(checkin.products, start=1):
        status, names, product_flags = _verdict(text, checkin.day, band_value)
        flags |= product_flags
        label = f"product {index}" + (f": {names}" if names else "")
        if status == "avoid":
            avoid.append(label)
        elif status == "caution":
            caution.append(label)
        elif status == "unreadable":
            unreadable = True
    serum_flagged = False
    if checkin.serum:
        status, _, _ = _verdict(checkin.serum, 0, band_value)
        serum_flagged = status == "avoid"
    return {
        "products_avoid": bool(avoid),
        "products_caution": bool(caution),
        "products_unreadable": unreadable,
        "product_flags": frozenset(flags),
        "serum_flagged": serum_flagged,
        "avoid_products": "; ".join(avoid),
        "caution_products": "; ".join(caution),
    }


_NO_PRODUCTS: dict[str, Any] = {
    "products_avoid": False,
    "products_caution": False,
    "products_unreadable": False,
    "product_flags": frozenset(),
    "serum_flagged": False,
    "avoid_products": "",
    "caution_products": "",
}


_ALL_FLAGS_FALSE: dict[str, Any] = dict.fromkeys(FLAGS, False)


def build_facts(checkin: Checkin) -> dict[str, Any]:
    band = band_of(checkin)
    expected = _expectations_for(band)
    day = checkin.day
    scores = checkin.scores
    max_redness, max_swelling, max_pain, max_itch = expected.maxima(day)
    count = checkin.breakouts_count
    facts = dict(_ALL_FLAGS_FALSE)
    for flag in checkin.flags:
        facts[flag] = True
    facts.update(scores)
    facts["day"] = day
    facts["band"] = band.value if band is not None else "unknown"
    facts["band_name"] = expected.name if band is not None else "depth not given"
    facts["device"] = checkin.device or "unknown"
    facts["areas"] = checkin.areas if checkin.areas is not None else frozenset()
    facts["history"] = checkin.history
    facts["acne_prone"] = checkin.acne_prone
    facts["pih_risk"] = checkin.fitzpatrick is None or checkin.fitzpatrick >= PIGMENT_RISK_FROM
    facts["breakouts"] = checkin.breakouts_reported
    facts["breakouts_count"] = count if count is not None else -1
    facts["breakouts_few"] = count is not None and 0 < count <= FEW_BREAKOUTS
    facts["breakouts_kind"] = checkin.breakouts_kind or "unknown"
    facts["breakouts_outside"] = checkin.breakouts_outside
    facts["excess_redness"] = scores["redness"] - max_redness
    facts["excess_swelling"] = scores["swelling"] - max_swelling
    facts["excess_pain"] = scores["pain"] - max_pain
    facts["excess_itch"] = scores["itch"] - max_itch
    facts["past_peak"] = day - expected.peak_until
    facts["past_redness_clear"] = day - expected.redness_clear_after
    facts["past_redness_review"] = day - expected.redness_review_after
    facts["past_flaking"] = day - expected.flaking_until
    facts["past_warmth"] = day - expected.warmth_until
    facts["day0_bleeding_expected"] = expected.day0_bleeding_expected
    facts["answers_incomplete"] = bool(checkin.incomplete)
    facts.update(_more_facts(checkin))
    facts.update(
        _product_facts(checkin, band) if checkin.products or checkin.serum else _NO_PRODUCTS
    )
    return facts


_ALL_WORSE = frozenset(WORSE_CHOICES)


def _more_facts(checkin: Checkin) -> dict[str, Any]:
    """A measured fever counts as fever; the old global `worsening` is read as "everything is
    worse" (as before the per-symptom answer existed, so an old client loses nothing)."""
    measured = checkin.temperature_c
    fever_measured = measured is not None and measured >= FEVER_FROM_C - 1e-9
    facts: dict[str, Any] = {
        "high_fever": measured is not None and measured >= HIGH_FEVER_FROM_C - 1e-9,
        "temperature_given": measured is not None,
        "worse": _ALL_WORSE if "worsening" in checkin.flags else checkin.worse,
        "bleeding_stops": checkin.bleeding_with_pressure == "stops",
        "bleeding_not_stopping": checkin.bleeding_with_pressure == "does_not_stop",
        "other_given": bool(checkin.other and checkin.other.strip()),
    }
    if fever_measured:
        facts["fever"] = True
    if checkin.bleeding_with_pressure is not None:
        facts["bleeding"] = True  # an answer about bleeding says there is bleeding
    return facts


def _expectations_for(band: Band | None) -> BandExpectations:
    return expectations()[band.value if band is not None else None]


KNOWN_FACTS = frozenset(
    {
        *FLAGS,
        *SCORES,
        "day", "band", "band_name", "device", "areas", "history", "acne_prone", "pih_risk",
        "breakouts", "breakouts_count", "breakouts_few", "breakouts_kind", "breakouts_outside",
        "excess_redness", "excess_swelling", "excess_pain", "excess_itch",
        "past_peak", "past_redness_clear", "past_redness_review", "past_flaking", "past_warmth",
        "day0_bleeding_expected", "answers_incomplete", "high_fever", "temperature_given",
        "worse", "bleeding_stops", "bleeding_not_stopping", "other_given", *_NO_PRODUCTS,
    }
)  # fmt: skip
# Facts a rule text may quote with {name}.
TEXT_FIELDS = frozenset({"day", "band_name", "avoid_products", "caution_products"})
