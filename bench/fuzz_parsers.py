"""Fuzz the pure parsers: the ingredient checker and the check-in validator/triage never crash.

Run: .venv/bin/python bench/fuzz_parsers.py [--n 1000000] [--seed 9] [--processes 2]
     [--target both|label|checkin]   (a label input costs ~3 ms of CPU, a check-in ~1 ms)

Each input goes to one target:
  label    needlecare.ingredients.check_label(text, day, band) and parser.parse_label(text)
  checkin  needlecare.triage.validate_checkin(payload) and triage_checkin(payload)
A crash is any exception other than the documented NotAnIngredientList / CheckinInvalid.
The mix (fixed seed, reproducible; shares of each target's inputs):
  label:mutated   45 %  a corpus label (bench/corpus: real-looking lists) with 1-12 edits:
                        deletions, separators and odd characters, random Unicode, duplicated
                        slices, runs of up to 300 brackets, huge percentages
  label:unicode   30 %  random text: printable BMP, any code point, or separator soup (10, 200,
                        or 1 in 50 up to 3,000 characters)
  label:bytes     10 %  random bytes (the checker also takes bytes)
  label:long      12 %  1-5 unmodified corpus labels glued together (realistic input)
  label:edge       3 %  one character repeated up to 300 times
  (day 0-400, band one of None, S, M, D, VD, RF, s, rf)
  checkin:mutated   50 %  a plausible check-in with 1-4 fields replaced by junk
  checkin:junk-json 20 %  any JSON-like value: wrong types, huge numbers, NaN, nested lists
  checkin:junk-dict 15 %  the top-level keys with junk values
  checkin:deep      10 %  nesting 50-3,000 levels deep
  checkin:valid      5 %  a plausible check-in as is
Prints counts per kind, the crash count and the first crashing inputs.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.ingredients.parser import parse_label
from needlecare.triage import CheckinInvalid, triage_checkin, validate_checkin
from needlecare.triage.validate import AREAS, BREAKOUT_KINDS, FLAGS, HISTORY, SCORES

CORPUS = Path(__file__).parent / "corpus" / "labels.txt"
BANDS = (None, "S", "M", "D", "VD", "RF", "s", "rf")
SEPARATORS = (",", ";", "|", "•", "、", "\n", "/", " ", "(", ")", "[", "]", "*", "%", ":", ".")
ODD_CHARS = (
    "\x00", "\x03", "\ufeff", "\u200b", "\u202e", "\ud7ff", "\U0001f600", "\u0301", "ß", "İ",
    "\r\n", "\t", "\x7f", "\u2028", "＜", "ﬁ", "Ⅻ", "٣", "\\", '"', "'", "{", "}",
)  # fmt: skip
HUGE = (10**400, -(10**400), 2**63, -(2**63) - 1, 1e308, -1e308, math.inf, -math.inf, math.nan)
TOP_KEYS = ("treatment", "profile", "day", "symptoms", "products")


def _labels() -> list[str]:
    return [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def random_unicode(rng: random.Random, max_len: int = 200) -> str:
    n = rng.randint(0, max_len)
    pick = rng.random()
    if pick < 0.4:  # printable-ish BMP
        return "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(n))
    if pick < 0.7:  # any code point but surrogates
        return "".join(
            chr(rng.choice((rng.randint(0, 0xD7FF), rng.randint(0xE000, 0x10FFFF))))
            for _ in range(n)
        )
    return "".join(rng.choice((*SEPARATORS, *ODD_CHARS, "a", "Aqua", "1")) for _ in range(n))


def mutate_label(rng: random.Random, label: str) -> str:
    chars = list(label)
    for _ in range(rng.randint(1, 12)):
        op = rng.random()
        at = rng.randint(0, len(chars))
        if op < 0.3 and chars:
            del chars[min(at, len(chars) - 1)]
        elif op < 0.6:
            chars.insert(at, rng.choice((*SEPARATORS, *ODD_CHARS)))
        elif op < 0.75:
            chars[at:at] = list(random_unicode(rng, 20))
        elif op < 0.85:  # duplicate a slice (long lists, repeated brackets)
            start = rng.randint(0, len(chars))
            chars[at:at] = chars[start : start + rng.randint(0, 200)]
        elif op < 0.95:
            chars[at:at] = list(rng.choice(("(", "[", "{")) * rng.randint(1, 300))
        else:
            chars[at:at] = list(f" {rng.choice(HUGE[:4])}% ")
    return "".join(chars)


def label_input(rng: random.Random, labels: list[str]) -> tuple[str, Any]:
    pick = rng.random()
    if pick < 0.45:
        text: str | bytes = mutate_label(rng, rng.choice(labels))
        kind = "label:mutated"
    elif pick < 0.75:
        text = random_unicode(rng, 3000 if rng.random() < 0.02 else rng.choice((10, 200)))
        kind = "label:unicode"
    elif pick < 0.85:
        text = rng.randbytes(rng.randint(0, 300))
        kind = "label:bytes"
    elif pick < 0.97:  # several labels glued together
        text = " ".join(rng.choice(labels) for _ in range(rng.randint(1, 5)))
        kind = "label:long"
    else:  # repeated characters; long runs are slow (see SLOW in the output), not crashes
        text = rng.choice(("", " ", ",", "(", "%", "\n", "Aqua,", "[", "*")) * rng.randint(1, 300)
        kind = "label:edge"
    return kind, (text, rng.randint(0, 400), rng.choice(BANDS))


def junk_value(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.random()
    if depth > 3 or pick < 0.55:
        return rng.choice((
            None, True, False, 0, -1, 1.5, rng.randint(-10**6, 10**6), rng.choice(HUGE),
            "", "x", random_unicode(rng, 30), "2026-02-30", "1e999", "NaN", [], {},
        ))  # fmt: skip
    if pick < 0.8:
        return [junk_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {random_unicode(rng, 8): junk_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def deep(rng: random.Random) -> Any:
    value: Any = junk_value(rng, 9)
    for _ in range(rng.randint(50, 3000)):
        value = [value] if rng.random() < 0.5 else {"symptoms": value}
    return value


def plausible_checkin(rng: random.Random) -> dict[str, Any]:
    return {
        "day": rng.randint(0, 60),
        "treatment": {
            "date": "2026-01-10",
            "depth_mm": rng.choice((0.5, 1.0, 2.0)),
            "device": rng.choice(("pen", "rf", "roller")),
            "areas": list(AREAS[:2]),
        },
        "profile": {
            "fitzpatrick": rng.randint(1, 6),
            "acne_prone": rng.random() < 0.5,
            "history": rng.sample(HISTORY, rng.randint(0, 3)),
        },
        "symptoms": {
            **{name: rng.randint(0, top) for name, top in SCORES.items()},
            **{flag: True for flag in rng.sample(FLAGS, rng.randint(0, 4))},
            "breakouts": {"count": rng.randint(0, 30), "kind": rng.choice(BREAKOUT_KINDS)},
        },
        "products": [rng.choice(("Aqua, Glycerin", "Retinol", "x"))] if rng.random() < 0.2 else [],
    }


def mutate_checkin(rng: random.Random, payload: dict[str, Any]) -> dict[str, Any]:
    for _ in range(rng.randint(1, 4)):
        section = rng.choice(TOP_KEYS)
        target = payload.get(section)
        if isinstance(target, dict) and target and rng.random() < 0.7:
            key = rng.choice([*target, "unknown_field"])
            target[key] = junk_value(rng)
        else:
            payload[section] = junk_value(rng)
    return payload


def checkin_input(rng: random.Random) -> tuple[str, Any]:
    pick = rng.random()
    if pick < 0.5:
        return "checkin:mutated", mutate_checkin(rng, plausible_checkin(rng))
    if pick < 0.7:
        return "checkin:junk-json", junk_value(rng)
    if pick < 0.85:
        return "checkin:junk-dict", {rng.choice(TOP_KEYS): junk_value(rng) for _ in range(4)}
    if pick < 0.95:
        return "checkin:deep", rng.choice(({"symptoms": deep(rng)}, deep(rng)))
    return "checkin:valid", plausible_checkin(rng)


def run_label(args: Any) -> None:
    text, day, band = args
    if isinstance(text, str):
        parse_label(text)
    with contextlib.suppress(NotAnIngredientList):
        check_label(text, day=day, band=band)


def run_checkin(payload: Any) -> None:
    try:
        validate_checkin(payload)
    except CheckinInvalid:
        return
    triage_checkin(payload)


SLOW_S = 1.0


def fuzz_chunk(task: tuple[int, int, str]) -> tuple[Counter[str], int, list[str]]:
    """Run `count` inputs from the seed `seed`; returns (kinds, crashes, first crash reports).
    Inputs slower than SLOW_S are counted as kind "SLOW" (a denial-of-service smell)."""
    seed, count, targets = task
    rng = random.Random(seed)
    labels = _labels()
    kinds: Counter[str] = Counter()
    crashes, reports = 0, []
    for _ in range(count):
        target: Callable[[Any], None]
        if targets == "label" or (targets == "both" and rng.random() < 0.5):
            kind, args = label_input(rng, labels)
            target = run_label
        else:
            kind, args = checkin_input(rng)
            target = run_checkin
        kinds[kind] += 1
        started = time.perf_counter()
        try:
            target(args)
        except Exception:  # a crash: anything but the documented errors
            crashes += 1
            if len(reports) < 5:
                reports.append(f"{kind}: {repr(args)[:300]}\n{traceback.format_exc(limit=4)}")
        if time.perf_counter() - started > SLOW_S:
            kinds["SLOW " + kind] += 1
    return kinds, crashes, reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument("--target", choices=("both", "label", "checkin"), default="both")
    options = parser.parse_args()
    sys.setrecursionlimit(10_000)
    tasks = [
        (options.seed * 1_000_003 + i, min(options.chunk, options.n - start), options.target)
        for i, start in enumerate(range(0, options.n, options.chunk))
    ]
    started = time.perf_counter()
    kinds: Counter[str] = Counter()
    crashes, reports = 0, []
    with multiprocessing.Pool(options.processes) as pool:
        for chunk_kinds, chunk_crashes, chunk_reports in pool.imap_unordered(fuzz_chunk, tasks):
            kinds.update(chunk_kinds)
            crashes += chunk_crashes
            reports.extend(chunk_reports[: max(0, 10 - len(reports))])
            done = sum(v for k, v in kinds.items() if not k.startswith("SLOW"))
            print(
                f"progress {done:,} inputs, {crashes} crashes, "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
    elapsed = time.perf_counter() - started
    for kind, count in sorted(kinds.items()):
        print(f"{kind:20} {count:>10,}")
    total = sum(v for k, v in kinds.items() if not k.startswith("SLOW"))
    print(
        f"inputs {total:,} in {elapsed:.0f} s ({total / elapsed:,.0f}/s, "
        f"{options.processes} processes); crashes: {crashes}"
    )
    for report in reports:
        print("---\n" + report)
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
