"""Label-photo OCR benchmark: render real ingredient lists as phone photos, read them back.

Makes label photos from the test labels (tests/ingredients/labels.py) in typical label fonts
(DejaVu, Liberation) and sizes down to 6 pt, at phone resolution, in three seeded sets:

- clean: flat, sharp, even light, 7-10 pt, 300 px per inch on the label, JPEG q 90;
- moderate: 6-8 pt, small rotation and perspective, slight curve, mild blur, uneven light,
  JPEG q 75;
- hard: 6-7 pt at 220 px per inch, strong curve (a bottle), perspective, blur, glare spot,
  dim corner, JPEG q 45.

"Phone resolution": a 12 MP phone photo that frames a 13 cm wide panel sees about 300 px per
inch of label, so 6 pt text is about 25 px tall; the hard set assumes the phone held further.

For each set it measures, after `needlecare.ocr.read_label` and `check_label`, ingredient-level
recall and precision (canonical names, against `check_label` of the true text), the recall of
flagged actives (ingredients with a flag that changes a verdict: a missed retinoid is the
failure that matters) and seconds per photo (wall and CPU of this process plus the tesseract
child).

    .venv/bin/python bench/ocr_labels.py                  # all three sets, 20 photos each
    .venv/bin/python bench/ocr_labels.py --sets clean --n 5 --show
    .venv/bin/python bench/ocr_labels.py --write-fixtures tests/ocr/photos   # test photos
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ingredients"))
from labels import LABELS

from needlecare.ingredients import NotAnIngredientList, check_label

FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = (
    "dejavu/DejaVuSans.ttf",
    "dejavu/DejaVuSansCondensed.ttf",
    "liberation/LiberationSans-Regular.ttf",
    "liberation/LiberationSansNarrow-Regular.ttf",
    "liberation/LiberationSerif-Regular.ttf",
    "dejavu/DejaVuSans-Bold.ttf",
)
PANEL_INCHES = 2.6  # width of the printed ingredient panel
# The Latin label fonts have no Hangul, kana or kanji: a real Korean or Japanese label prints
# them, so those characters are drawn in a face that has them (Debian's fonts-nanum and
# fonts-ipafont-gothic), not as the empty boxes the Latin font would draw.
HANGUL_FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
CJK_FONT = Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")
# A CJK list separates names with these and no space; a line may break after them.
CJK_BREAKS = "、・，；：。"


@dataclass(frozen=True)
class Level:
    name: str
    points: tuple[float, float]
    ppi: int
    rotate: float  # max degrees
    perspective: float  # max corner shift, share of the side
    curve: float  # max bulge of a cylinder, share of the height
    blur: float  # max Gaussian radius in px
    light: float  # max darkening of one side, 0-1
    glare: bool
    quality: int


LEVELS = {
    "clean": Level("clean", (7.0, 10.0), 300, 0.0, 0.0, 0.0, 0.0, 0.0, False, 90),
    "moderate": Level("moderate", (6.0, 8.0), 300, 3.0, 0.04, 0.02, 0.8, 0.35, False, 75),
    "hard": Level("hard", (6.0, 7.0), 220, 6.0, 0.08, 0.06, 1.3, 0.55, True, 45),
}


class LabelFont:
    """The label's Latin face, with Hangul and CJK characters drawn in a face that has them."""

    def __init__(self, path: Path, size: int) -> None:
        self.size = size
        self.latin = ImageFont.truetype(str(path), size=size)
        self._cjk: dict[Path, ImageFont.FreeTypeFont] = {}

    def face(self, character: str) -> ImageFont.FreeTypeFont:
        code = ord(character)
        if 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xAC00 <= code <= 0xD7AF:
            path = HANGUL_FONT
        elif 0x3000 <= code <= 0x9FFF or 0xFF00 <= code <= 0xFFEF:
            path = CJK_FONT
        else:
            return self.latin
        if path not in self._cjk:
            self._cjk[path] = ImageFont.truetype(str(path), size=self.size)
        return self._cjk[path]

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        out: list[tuple[str, ImageFont.FreeTypeFont]] = []
        for character in text:
            face = self.face(character)
            if out and out[-1][1] is face:
                out[-1] = (out[-1][0] + character, face)
            else:
                out.append((character, face))
        return out

    def getlength(self, text: str) -> float:
        return sum(face.getlength(run) for run, face in self.runs(text))

    def draw(self, draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, fill: Any) -> None:
        x, y = xy
        for run, face in self.runs(text):
            draw.text((x, y), run, font=face, fill=fill)
            x += round(face.getlength(run))


def render_label(text: str, level: Level, rng: random.Random) -> bytes:
    """One JPEG photo of `text` printed on a panel, degraded as `level` says."""
    font_path = FONT_DIR / rng.choice(FONTS)
    points = rng.uniform(*level.points)
    font = LabelFont(font_path, size=max(8, round(points / 72 * level.ppi)))
    width = round(PANEL_INCHES * level.ppi)
    margin = round(0.12 * level.ppi)
    lines = _wrap(text, font, width - 2 * margin)
    line_height = round(font.size * 1.25)
    height = 2 * margin + line_height * len(lines)
    paper = tuple(rng.randint(232, 255) for _ in range(3))
    ink = tuple(rng.randint(0, 60) for _ in range(3))
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        font.draw(draw, (margin, margin + number * line_height), line, ink)
    pixels = np.asarray(image, dtype=np.float32)
    if level.curve:
        pixels = _curve(pixels, rng.uniform(0.5, 1.0) * level.curve, paper)
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    # A table or hand around the panel, as in a real photo.
    border = round(0.25 * level.ppi)
    scene = Image.new("RGB", (width + 2 * border, height + 2 * border), (90, 84, 78))
    scene.paste(image, (border, border))
    if level.perspective:
        scene = _perspective(scene, level.perspective, rng)
    if level.rotate:
        scene = scene.rotate(
            rng.uniform(-level.rotate, level.rotate),
            resample=Image.Resampling.BICUBIC,
            expand=True,
            fillcolor=(90, 84, 78),
        )
    if level.blur:
        scene = scene.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0) * level.blur))
    pixels = np.asarray(scene, dtype=np.float32)
    if level.light:
        pixels = _uneven_light(pixels, rng.uniform(0.5, 1.0) * level.light, rng)
    if level.glare:
        pixels = _glare(pixels, rng)
    pixels += np.random.default_rng(rng.randrange(2**32)).normal(0, 3.0, pixels.shape)
    out = io.BytesIO()
    Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(out, "JPEG", quality=level.quality)
    return out.getvalue()


def _wrap(text: str, font: LabelFont, width: int) -> list[str]:
    """Lines that fit the panel: the label's own line breaks kept (a Drug Facts panel prints
    "Questions?" on its own line), then breaks at spaces and, as CJK typesetting does, after a
    CJK separator (else "Extract、Niacinamide、Madecassoside、..." ran off the panel's edge)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            pieces = re.findall(rf"[^{CJK_BREAKS}]*[{CJK_BREAKS}]|[^{CJK_BREAKS}]+", word)
            for index, piece in enumerate(pieces):
                glue = " " if index == 0 else ""
                candidate = f"{current}{glue}{piece}" if current else piece
                if current and font.getlength(candidate) > width:
                    lines.append(current)
                    current = piece
                else:
                    current = candidate
        if current:
            lines.append(current)
    return lines


def _curve(pixels: np.ndarray, bulge: float, paper: tuple[int, ...]) -> np.ndarray:
    """A label on a bottle: columns shift vertically along a circle arc, edges squeeze."""
    height, width = pixels.shape[:2]
    x = np.linspace(-1.0, 1.0, width)
    shift = (bulge * height * (1 - x**2)).astype(np.float32)
    # Horizontal foreshortening of a cylinder seen from the front.
    source_x = ((np.arcsin(np.clip(x * 0.95, -1, 1)) / np.arcsin(0.95)) + 1) / 2 * (width - 1)
    out = np.empty_like(pixels)
    out[:] = paper
    rows = np.arange(height)
    for column in range(width):
        source_rows = np.clip(rows - shift[column], 0, height - 1).astype(int)
        out[:, column] = pixels[source_rows, int(source_x[column])]
    return out


def _perspective(image: Image.Image, amount: float, rng: random.Random) -> Image.Image:
    width, height = image.size

    def jitter(x: float, y: float) -> tuple[float, float]:
        return (
            x + rng.uniform(-amount, amount) * width,
            y + rng.uniform(-amount, amount) * height,
        )

    corners = [jitter(0, 0), jitter(width, 0), jitter(width, height), jitter(0, height)]
    target = [(0, 0), (width, 0), (width, height), (0, height)]
    coefficients = _perspective_coefficients(target, corners)
    return image.transform(
        (width, height),
        Image.Transform.PERSPECTIVE,
        coefficients,
        Image.Resampling.BICUBIC,
        fillcolor=(90, 84, 78),
    )


def _perspective_coefficients(
    target: list[tuple[float, float]], source: list[tuple[float, float]]
) -> tuple[float, ...]:
    matrix = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    rhs = [value for point in source for value in point]
    solution = np.linalg.solve(np.array(matrix, dtype=float), np.array(rhs, dtype=float))
    return tuple(float(v) for v in solution)


def _uneven_light(pixels: np.ndarray, depth: float, rng: random.Random) -> np.ndarray:
    height, width = pixels.shape[:2]
    angle = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:height, 0:width]
    ramp = (xs / width - 0.5) * math.cos(angle) + (ys / height - 0.5) * math.sin(angle)
    factor = 1 - depth * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    return pixels * factor[..., None]


def _glare(pixels: np.ndarray, rng: random.Random) -> np.ndarray:
    height, width = pixels.shape[:2]
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    radius = rng.uniform(0.08, 0.16) * width
    ys, xs = np.mgrid[0:height, 0:width]
    spot = np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2)))
    return pixels + 170 * spot[..., None]


# -- scoring ----------------------------------------------------------------------------------


def _names(result: dict) -> list[str]:
    return [item["name"] for item in result["ingredients"] if item["recognized"]]


def _actives(result: dict) -> set[str]:
    """Ingredients that give the day-0 verdict a reason to avoid or wait (the actives)."""
    return {
        name
        for reason in result["verdict"]["reasons"]
        if reason.get("ingredient") and reason["status"] in ("avoid", "caution")
        for name in reason["ingredient"].split(", ")
    }


def make_set(level: Level, count: int, seed: int) -> list[tuple[str, str, bytes]]:
    """(label id, true text, JPEG) for `count` photos, reproducible from `seed`."""
    rng = random.Random(f"{seed}-{level.name}")
    ids = sorted(LABELS)
    photos = []
    for number in range(count):
        label_id = ids[(number * 7 + seed) % len(ids)]
        text = LABELS[label_id][1]
        photos.append((label_id, text, render_label(text, level, rng)))
    return photos


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _drop_preprocessing(step: str) -> None:
    """Measure without one preprocessing step (`--without`), the rest unchanged."""
    import cv2

    from needlecare.ocr import prepare as steps
    from needlecare.ocr import read
    from needlecare.photos.decode import open_photo

    def prepare(data: bytes) -> np.ndarray:
        decoded = open_photo(data, max_long_side=steps.MAX_LONG_SIDE)
        grey = np.asarray(decoded.image.convert("L"))
        if step != "resize":
            grey = steps._resize(grey)
        if step != "deskew":
            grey = steps._deskew(grey)
        if step != "clahe":
            grey = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(grey)
        return grey

    read.prepare = prepare  # type: ignore[assignment]


NO_REPAIR = False  # --without repair: the text as read, no flagged-name repair
# Engine runs of the photo being read: (wall s, CPU s of the tesseract child) per run.
ENGINE_RUNS: list[tuple[float, float]] = []


def _count_engine_runs() -> None:
    """Time every tesseract run (where a photo's wall time goes: engine runs and their CPU)."""
    from needlecare.ocr import read, reread, tesseract

    engine = tesseract.recognise_words

    def timed(*args: Any, **kwargs: Any) -> Any:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        try:
            return engine(*args, **kwargs)
        finally:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
            ENGINE_RUNS.append((time.perf_counter() - wall, cpu))

    read.recognise_words = timed  # type: ignore[assignment]
    reread.recognise_words = timed  # type: ignore[assignment]


def _tesseract(name: str, photo: bytes) -> tuple[str, float]:
    from needlecare.ocr import read_label
    from needlecare.ocr.repair import repair_reading

    reading = read_label(photo) if NO_REPAIR else repair_reading(read_label(photo))
    return reading.text, reading.confidence


def _saved_texts(path: Path) -> Callable[[str, bytes], tuple[str, float]]:
    """Texts another engine read from the photos of `--save` (bench/ocr_rapidocr_read.py)."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    by_photo = {row["photo"]: row for row in rows}

    def read(name: str, photo: bytes) -> tuple[str, float]:
        row = by_photo[f"{name}.jpg"]
        # The other engine's own timing replaces ours (we only looked the text up).
        read.seconds.append((row["wall_s"], row["cpu_s"]))  # type: ignore[attr-defined]
        return row["text"], row["confidence"]

    read.seconds = []  # type: ignore[attr-defined]
    return read


def run_set(
    level: Level,
    count: int,
    seed: int,
    show: bool,
    reader: Callable[[str, bytes], tuple[str, float]] = _tesseract,
) -> dict[str, Any]:
    true_total = found_total = read_total = read_right = 0
    actives_total = actives_found = 0
    walls: list[float] = []
    cpus: list[float] = []
    runs: list[int] = []
    engine_walls: list[float] = []
    engine_cpus: list[float] = []
    missed_actives: list[str] = []
    for number, (label_id, text, photo) in enumerate(make_set(level, count, seed)):
        truth = check_label(text)
        true_names = _names(truth)
        wall, cpu = time.perf_counter(), _cpu_seconds()
        ENGINE_RUNS.clear()
        read_text, confidence = reader(f"{level.name}_{number:02d}_{label_id}", photo)
        runs.append(len(ENGINE_RUNS))
        engine_walls.append(sum(run[0] for run in ENGINE_RUNS))
        engine_cpus.append(sum(run[1] for run in ENGINE_RUNS))
        try:
            result = check_label(read_text)
            names = _names(result)
            actives = _actives(result)
        except NotAnIngredientList:  # nothing readable: the photo scores zero
            names, actives = [], set()
        if hasattr(reader, "seconds"):
            other_wall, other_cpu = reader.seconds.pop()
            walls.append(other_wall)
            cpus.append(other_cpu)
        else:
            walls.append(time.perf_counter() - wall)
            cpus.append(_cpu_seconds() - cpu)
        true_set, read_set = set(true_names), set(names)
        true_total += len(true_set)
        found_total += len(true_set & read_set)
        read_total += len(read_set)
        read_right += len(read_set & true_set)
        true_actives = _actives(truth)
        actives_total += len(true_actives)
        actives_found += len(true_actives & actives)
        missed_actives += [f"{label_id}:{name}" for name in sorted(true_actives - actives)]
        if show:
            print(f"--- {level.name} {label_id} conf {confidence:.2f}")
            print(read_text)
            print("missed:", sorted(true_set - read_set), "extra:", sorted(read_set - true_set))
    return {
        "photos": count,
        "recall": found_total / max(true_total, 1),
        "precision": read_right / max(read_total, 1),
        "actives_recall": actives_found / max(actives_total, 1),
        "actives": actives_total,
        "median_wall_s": statistics.median(walls),
        "max_wall_s": max(walls),
        "median_cpu_s": statistics.median(cpus),
        "max_cpu_s": max(cpus),  # the slowest photo's CPU: its wall on a busy machine
        # Where the wall time goes: tesseract runs per photo, their wall and CPU (the child's).
        "mean_engine_runs": statistics.mean(runs),
        "median_engine_wall_s": statistics.median(engine_walls),
        "median_engine_cpu_s": statistics.median(engine_cpus),
        "missed_actives": missed_actives,  # type: ignore[dict-item]
    }


def write_fixtures(directory: Path, seed: int) -> None:
    """A few small photos for tests/ocr, with the true text beside each."""
    directory.mkdir(parents=True, exist_ok=True)
    chosen = {
        "clean": ["retinol_serum", "bland_moisturiser"],
        "moderate": ["glycolic_toner"],
    }
    for level_name, label_ids in chosen.items():
        rng = random.Random(f"{seed}-fixture-{level_name}")
        for label_id in label_ids:
            text = LABELS[label_id][1]
            photo = render_label(text, LEVELS[level_name], rng)
            stem = f"{level_name}_{label_id}"
            (directory / f"{stem}.jpg").write_bytes(photo)
            (directory / f"{stem}.txt").write_text(text + "\n", "utf-8")
            print(f"wrote {directory / stem}.jpg ({len(photo):,} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(LEVELS), choices=list(LEVELS))
    parser.add_argument("--n", type=int, default=20, help="photos per set")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--show", action="store_true", help="print each recognised text")
    parser.add_argument("--write-fixtures", type=Path, default=None)
    parser.add_argument("--save", type=Path, default=None, help="also save the photos here")
    parser.add_argument(
        "--without", choices=["deskew", "clahe", "resize", "repair", "cjk", "reread"], default=None
    )
    parser.add_argument(
        "--score-texts", type=Path, default=None, help="score another engine's JSONL output"
    )
    args = parser.parse_args()
    if args.write_fixtures:
        write_fixtures(args.write_fixtures, args.seed)
        return
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name in args.sets:
            for number, (label_id, _, photo) in enumerate(
                make_set(LEVELS[name], args.n, args.seed)
            ):
                (args.save / f"{name}_{number:02d}_{label_id}.jpg").write_bytes(photo)
    if args.without == "repair":
        global NO_REPAIR
        NO_REPAIR = True
    elif args.without == "cjk":  # English data only, as before the Korean/Japanese pass
        from needlecare.ocr import read

        read.installed_languages = lambda: frozenset({"eng"})  # type: ignore[assignment]
    elif args.without == "reread":  # no second look at the lines the engine was unsure of
        from needlecare.ocr import read

        read.reread_unsure_lines = lambda *args: ([], [])  # type: ignore[assignment]
    elif args.without:
        _drop_preprocessing(args.without)
    _count_engine_runs()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name in args.sets:
        reader = _saved_texts(args.score_texts) if args.score_texts else _tesseract
        figures = run_set(LEVELS[name], args.n, args.seed, args.show, reader)
        print(name, json.dumps(figures))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
