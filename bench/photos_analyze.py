"""Benchmark: analyse a 12-megapixel JPEG on one core; print median wall time and peak RSS.

    .venv/bin/python bench/photos_analyze.py [--runs 7] [--image FILE.jpg]

Without --image, a deterministic 4000x3000 photo-like JPEG is generated (a skin-coloured face
shape with texture, 40 red spots, on a neutral wall). Goal (issue 6): under 1 s and under
500 MB peak RSS per analysis on one core.
"""

import argparse
import concurrent.futures
import io
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

# One core: set before numpy/OpenCV load their thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

cv2.setNumThreads(1)


def make_photo(width: int = 4000, height: int = 3000, seed: int = 12) -> bytes:
    """A 12 MP JPEG (quality 92) that looks like a close face photo to the analyser."""
    rng = np.random.default_rng(seed)
    lab = np.empty((height, width, 3), np.float32)
    lab[:] = (80.0, 0.5, 2.0)  # off-white wall
    face = np.zeros((height, width), np.uint8)
    cv2.ellipse(face, (width // 2, height // 2), (width // 4, height * 2 // 5), 0, 0, 360, 1, -1)
    lab[face > 0] = (63.0, 15.0, 19.0)
    # Low-frequency skin texture and a few red spots.
    texture = cv2.resize(
        rng.normal(0, 1.5, (height // 40, width // 40)).astype(np.float32),
        (width, height),
        interpolation=cv2.INTER_CUBIC,
    )
    lab[..., 0] += texture * (face > 0)
    for _ in range(40):
        angle, dist = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.8)
        cx = int(width / 2 + np.cos(angle) * dist * width / 4)
        cy = int(height / 2 + np.sin(angle) * dist * height * 2 / 5)
        spot = np.zeros((height, width), np.uint8)
        cv2.circle(spot, (cx, cy), int(rng.integers(12, 30)), 1, -1)
        lab[..., 1][spot > 0] += 14.0
    rgb = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255.0
    # Pixel noise like a phone sensor's: gives a realistic 4-5 MB file (entropy to decode).
    rgb += rng.normal(0, 6.0, rgb.shape).astype(np.float32)
    out = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=92)
    return out.getvalue()


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_photo(image: Path | None) -> bytes:
    """The given file, or the generated photo made in a child process so that its memory
    peak is not counted as ours."""
    if image:
        return image.read_bytes()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(make_photo).result()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--image", type=Path, help="analyse this JPEG instead of a generated one")
    args = parser.parse_args()

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    data = load_photo(args.image)
    rss_before = peak_rss_mb()

    from needlecare.photos import analyze

    analyze(data)  # warm-up: imports, packaged data, code paths
    times, cpu_times = [], []
    for _ in range(args.runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        report = analyze(data)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    width, height = report["image"]["width"], report["image"]["height"]
    print(f"image: {width}x{height} ({width * height / 1e6:.1f} MP), {len(data) / 1e6:.1f} MB JPEG")
    print(f"runs: {args.runs} on 1 core; spots found: {report['spots']['count']}")
    print(
        f"median CPU time: {statistics.median(cpu_times) * 1000:.0f} ms (robust to a busy machine)"
    )
    print(
        f"median wall time: {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
    )
    print(
        f"peak RSS: {peak_rss_mb():.0f} MB (whole process, imports included; "
        f"{rss_before:.0f} MB before importing needlecare.photos)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
