"""Benchmark: sanitize (re-encode without metadata + thumbnail) a 12-megapixel JPEG, one core.

    .venv/bin/python bench/photos_sanitize.py [--runs 5] [--image FILE.jpg]

This is the upload path the web app runs on every photo. Prints median wall time and peak RSS.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import cv2
from photos_analyze import load_photo

cv2.setNumThreads(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--image", type=Path, help="sanitize this file instead of a generated one")
    args = parser.parse_args()

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    data = load_photo(args.image)

    from needlecare.photos import sanitize

    sanitize(data)  # warm-up
    times, cpu_times = [], []
    for _ in range(args.runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        clean = sanitize(data)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    print(
        f"input: {len(data) / 1e6:.1f} MB -> clean {len(clean.image) / 1e6:.1f} MB "
        f"({clean.width}x{clean.height}) + thumbnail {len(clean.thumbnail) / 1e3:.0f} kB"
    )
    print(
        f"median wall time: {statistics.median(times) * 1000:.0f} ms on 1 core "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {args.runs} runs)"
    )
    print(f"median CPU time: {statistics.median(cpu_times) * 1000:.0f} ms")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
