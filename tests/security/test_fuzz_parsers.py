"""The pure parsers never crash on hostile input (the 1,000,000-input run: bench/fuzz_parsers.py).

Documented errors only: NotAnIngredientList for labels, CheckinInvalid for check-ins.
Two generators: hypothesis strategies here, and a small fixed-seed run of the bench generator.
"""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path
from types import ModuleType
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


def _bench_fuzzer() -> ModuleType:
    path = Path(__file__).parents[2] / "bench" / "fuzz_parsers.py"
    spec = importlib.util.spec_from_file_location("fuzz_parsers", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_generator_finds_no_crash_in_a_small_fixed_seed_run() -> None:
    """The 1,000,000-input generator (every kind of input it makes), scaled down for CI."""
    fuzzer = _bench_fuzzer()
    for target, count, kinds in (
        ("label", 1_500, {"mutated", "unicode", "bytes", "long", "edge"}),
        ("checkin", 3_000, {"mutated", "junk-json", "junk-dict", "deep", "valid"}),
    ):
        seen, crashes, reports = fuzzer.fuzz_chunk((9, count, target))
        assert crashes == 0, "\n".join(reports)
        assert {k for k in seen if not k.startswith("SLOW")} == {f"{target}:{k}" for k in kinds}
        assert sum(v for k, v in seen.items() if not k.startswith("SLOW")) == count
