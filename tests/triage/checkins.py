"""Hypothesis strategies for valid check-ins (shared by the triage property tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from needlecare.triage.validate import AREAS, BREAKOUT_KINDS, FLAGS, HISTORY, SCORES
from needlecare.triage.vocabulary import WORSE_CHOICES

treatments = st.fixed_dictionaries(
    {},
    optional={
        "depth_mm": st.sampled_from([0.25, 0.3, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0]),
        "device": st.sampled_from(["pen", "roller", "rf", "stamp"]),
        "areas": st.lists(st.sampled_from(AREAS), unique=True, max_size=3),
    },
)
profiles = st.fixed_dictionaries(
    {},
    optional={
        "fitzpatrick": st.integers(1, 6),
        "acne_prone": st.booleans(),
        "history": st.lists(st.sampled_from(HISTORY), unique=True, max_size=4),
    },
)
breakouts = st.fixed_dictionaries(
    {},
    optional={
        "count": st.integers(0, 40),
        "kind": st.sampled_from(BREAKOUT_KINDS),
        "outside_treated_area": st.booleans(),
    },
)
symptoms = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.integers(0, limit) for name, limit in SCORES.items()},
        **dict.fromkeys(FLAGS, st.booleans()),
        "breakouts": breakouts,
        "temperature": st.one_of(
            st.fixed_dictionaries({"value": st.floats(35.0, 41.5), "unit": st.just("C")}),
            st.fixed_dictionaries({"value": st.floats(95.0, 106.0), "unit": st.just("F")}),
        ),
        "worse_than_yesterday": st.lists(st.sampled_from(WORSE_CHOICES), unique=True),
        "bleeding_with_pressure": st.sampled_from(["stops", "does_not_stop"]),
        "other": st.text(max_size=40),
    },
)


@st.composite
def checkins(draw: st.DrawFn) -> dict[str, Any]:
    checkin: dict[str, Any] = {"day": draw(st.integers(0, 120))}
    for key, strategy in (("treatment", treatments), ("profile", profiles), ("symptoms", symptoms)):
        if draw(st.booleans()) or key == "symptoms":
            checkin[key] = draw(strategy)
    return checkin
