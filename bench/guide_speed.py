"""Speed of the aftercare guide, in-process, on one core.

Run: .venv/bin/python bench/guide_speed.py [--n 2000]

Sheet: build_aftercare_sheet() for random treatments (dates over 3 years, every band and
device, Fitzpatrick 1-6, half of them with the example clinic protocol), i.e. every dated line,
the first-days and warning statements with placeholders filled, and Babel date formatting.
Search: search() over all pages for a fixed mix of one- and two-word queries (the index is
built on the first call). Check: one `knowledge check` of the installed package (discovery,
parsing, schemas, citations, consistency), as `needlecare knowledge check` runs it in CI.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from importlib import resources

from needlecare.guide import build_aftercare_sheet, protocol_from_text, search
from needlecare.guide.check import check, package_files

QUERIES = (
    "purging",
    "vitamin c",
    "milia",
    "fever",
    "cold sore",
    "sunscreen",
    "makeup",
    "acné",
    "retinol day",
    "swelling lips",
    "scrub",
    "next session",
)
TREATMENTS = (
    (0.25, "roller"),
    (0.5, "pen"),
    (1.0, "pen"),
    (1.5, "stamp"),
    (2.5, "pen"),
    (1.0, "rf"),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    n = parser.parse_args().n
    rng = random.Random(8)
    example = resources.files("needlecare.guide").joinpath(
        "data", "protocols", "example-clinic.toml"
    )
    clinic = protocol_from_text(example.read_text("utf-8"))
    build_aftercare_sheet(date(2026, 11, 25), 1.0, "pen")  # warm caches (data, Babel locale)
    started = time.perf_counter()
    for _ in range(n):
        depth, device = rng.choice(TREATMENTS)
        treated = date(2025, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        build_aftercare_sheet(
            treated,
            depth,
            device,
            rng.randint(1, 6),
            clinic if rng.random() < 0.5 else None,
            today=treated,
        )
    sheets = n / (time.perf_counter() - started)

    search("warm-up")
    started = time.perf_counter()
    for index in range(n):
        search(QUERIES[index % len(QUERIES)])
    queries = n / (time.perf_counter() - started)

    started = time.perf_counter()
    report = check(package_files())
    checked = time.perf_counter() - started
    print(f"sheets:  {sheets:,.0f}/s ({n} random treatments)")
    print(f"search:  {queries:,.0f} queries/s")
    print(
        f"check:   {checked * 1000:.0f} ms for {len(report.files)} files, "
        f"{report.citations} citations, {len(report.problems)} problems"
    )


if __name__ == "__main__":
    main()
