"""The pure parsers never crash on hostile input (the 1,000,000-input run: bench/fuzz_parsers.py).

Documented errors only: NotAnIngredientList for labels, CheckinInvalid for check-ins.
"""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.ingredients.parser import parse_label
from needlecare.triage import CheckinInvalid, triage_checkin, validate_checkin

FUZZ = settings(
    max_examples=1500,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["2026-02-30", "1e999", "pen", "face", "fever"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
top_keys = st.sampled_from(["treatment", "profile", "day", "symptoms", "products"])
sub_keys = st.sampled_from(
    ["date", "depth_mm", "device", "areas", "fitzpatrick", "history", "redness", "pain",
     "fever", "breakouts", "count", "kind"]
)  # fmt: skip
checkin_like = st.dictionaries(
    top_keys, json_values | st.dictionaries(sub_keys, json_values, max_size=6), max_size=5
)
label_text = st.text(max_size=300) | st.lists(
    st.sampled_from(
        ["Aqua", "Glycerin", "Retinol", "(", ")", ",", ";", "%", "\n", "CI 77491", " "]
    ),
    max_size=60,
).map("".join)


@seed(9)
@FUZZ
@given(text=label_text, day=st.integers(0, 3650), band=st.sampled_from([None, "S", "M", "RF"]))
def test_ingredient_checker_never_crashes(text: str, day: int, band: str | None) -> None:
    parse_label(text)
    with contextlib.suppress(NotAnIngredientList):
        result = check_label(text, day=day, band=band)
        assert "verdict" in result


@seed(9)
@FUZZ
@given(payload=json_values | checkin_like)
def test_checkin_validation_and_triage_never_crash(payload: Any) -> None:
    try:
        validate_checkin(payload)
    except CheckinInvalid as error:
        assert error.errors and all({"field", "message"} <= set(e) for e in error.errors)
        return
    assert triage_checkin(payload)["level"]
