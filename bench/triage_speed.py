"""Throughput of triage and timeline, in-process, on one core.

Run: .venv/bin/python bench/triage_speed.py [--n 50000]

Triage: triage_checkin() on a fixed-seed mix of realistic check-ins (validation + facts + all
rules + output), with no product lists (the ingredient checker is benchmarked on its own) and,
separately, a mix where 1 in 10 check-ins lists a product (as a repeated routine would).
Timeline: one build_timeline() call = one treatment's full timeline, days 0-42 with dates,
for random treatments (dates over 2 years, every band, Fitzpatrick 1-6). The content of each
band is prepared once; a call validates the treatment and adds the dates.
Goals from issue 4: triage >= 20,000/s and timeline >= 50,000/s.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from needlecare.timeline import build_timeline
from needlecare.triage import triage_checkin
from needlecare.triage.validate import FLAGS

DEVICES = ("pen", "pen", "roller", "stamp", "rf")
DEPTHS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5)
KINDS = ("whiteheads", "small_red_bumps", "pustules", "cysts", "milia", "mixed")
PRODUCTS = (
    "Aqua, Glycerin, Retinol, Phenoxyethanol",
    "Aqua, Glycerin, Caprylic/Capric Triglyceride, Cetearyl Alcohol, Ceramide NP",
    "Aqua, Glycolic Acid, Sodium Hydroxide, Glycerin",
)
TODAY = date(2026, 11, 25)


def random_checkin(rng: random.Random, product_share: float) -> dict[str, Any]:
    day = rng.choice((0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 30))
    symptoms: dict[str, Any] = {
        "redness": rng.randint(0, 3),
        "swelling": rng.randint(0, 3),
        "pain": rng.randint(0, 8),
        "itch": rng.randint(0, 2),
    }
    for flag in rng.sample(FLAGS, rng.choice((0, 0, 1, 1, 2, 3))):
        symptoms[flag] = True
    if rng.random() < 0.25:
        symptoms["breakouts"] = {"count": rng.randint(1, 12), "kind": rng.choice(KINDS)}
    checkin: dict[str, Any] = {
        "treatment": {
            "date": (TODAY - timedelta(days=day)).isoformat(),
            "depth_mm": rng.choice(DEPTHS),
            "device": rng.choice(DEVICES),
            "areas": ["face"],
        },
        "profile": {
            "fitzpatrick": rng.randint(1, 6),
            "acne_prone": rng.random() < 0.3,
            "history": rng.sample(
                ("hsv", "eczema", "diabetes", "anticoagulants"), rng.randint(0, 1)
            ),
        },
        "day": day,
        "symptoms": symptoms,
    }
    if rng.random() < product_share:
        checkin["products"] = [rng.choice(PRODUCTS)]
    return checkin


def random_treatment(rng: random.Random) -> dict[str, Any]:
    return {
        "date": (date(2025, 1, 1) + timedelta(days=rng.randrange(730))).isoformat(),
        "depth_mm": rng.choice(DEPTHS),
        "device": rng.choice(DEVICES),
        "fitzpatrick": rng.randint(1, 6),
    }


def rate(call: Callable[[Any], Any], items: list[Any]) -> tuple[float, float]:
    """(per wall-clock second, per CPU second of this process)."""
    call(items[0])  # load and compile data outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        call(item)
    return len(items) / (time.perf_counter() - wall), len(items) / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000)
    n = parser.parse_args().n
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rng = random.Random(4)
    plain = [random_checkin(rng, 0.0) for _ in range(n)]
    with_products = [random_checkin(rng, 0.1) for _ in range(n)]
    treatments = [random_treatment(rng) for _ in range(n)]
    # The 3 x n inputs above are the bench's own data, not the engine's: move them out of the
    # garbage collector's view so its full collections do not bill their traversal to the
    # engine (a server holds one request at a time, not 150,000 of them).
    gc.freeze()
    print(
        f"n = {n} each, one core; load average {os.getloadavg()[0]:.1f}"
        " (other work on the machine slows wall time)"
    )
    print(f"{'':29}{'per wall s':>12}{'per CPU s':>12}")
    runs = (
        ("triage (no products)", lambda c: triage_checkin(c, TODAY), plain),
        ("triage (10% with a product)", lambda c: triage_checkin(c, TODAY), with_products),
        ("timeline (days 0-42)", build_timeline, treatments),
    )
    for name, call, items in runs:
        wall, cpu = rate(call, items)
        print(f"{name:<29}{wall:>12,.0f}{cpu:>12,.0f}")


if __name__ == "__main__":
    main()
