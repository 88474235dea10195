"""The OCR engine: Debian's `tesseract` (5.x; English, Korean and Japanese data) run as a
child process.

Chosen by measurement over a model shipped in a wheel (see bench/README.md, OCR). One process
per photo, one thread (`OMP_THREAD_LIMIT=1`): on a shared machine tesseract's OpenMP threads
spin and slow everyone down, and a photo is read well within the goal on one core.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

ENGINE_NAME = "tesseract"
TIMEOUT_SECONDS = 30.0
# Page segmentation 4: "a single column of text of variable sizes", which is what an
# ingredient panel is; 6 (one uniform block) loses lines under a curve or glare.
_PAGE_SEGMENTATION = "4"


class OcrUnavailable(RuntimeError):
    """The OCR engine is not installed or failed; the caller tells the person to type the list."""


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float  # 0-1, tesseract's own estimate
    line: tuple[int, int, int]  # (block, paragraph, line): words of one printed line share it
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # left, top, width, height in the image


def engine_version() -> str | None:
    """`tesseract 5.3.0` or None when the engine is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    done = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [binary, "--version"], capture_output=True, text=True, check=False
    )
    first = (done.stdout or done.stderr).splitlines()
    return first[0].strip() if first else None


@cache
def installed_languages() -> frozenset[str]:
    """The language data tesseract has (`eng`, `kor`, `jpn`, ...); empty without the engine."""
    binary = shutil.which("tesseract")
    if binary is None:
        return frozenset()
    done = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [binary, "--list-langs"], capture_output=True, text=True, check=False
    )
    return frozenset(line.strip() for line in done.stdout.splitlines()[1:] if line.strip())


def recognise_words(
    png: bytes, languages: tuple[str, ...] = ("eng",), segmentation: str = _PAGE_SEGMENTATION
) -> list[Word]:
    """The words tesseract reads in a PNG image, in reading order, with their confidences.
    `languages`: the first leads (tesseract tries it first for every word)."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable("the OCR engine (tesseract) is not installed on this server")
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    model = "+".join(languages)
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments; the photo goes in on stdin
            [binary, "stdin", "stdout", "-l", model, "--psm", segmentation, "tsv"],
            input=png,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise OcrUnavailable("reading the photo took too long") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrUnavailable(f"the OCR engine failed: {message[-1] if message else 'no output'}")
    return _parse_tsv(done.stdout.decode("utf-8", "replace"))


def _parse_tsv(tsv: str) -> list[Word]:
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5":  # level 5 = a word
            continue
        text = fields[11].strip()
        if not text:
            continue
        confidence = max(0.0, min(1.0, float(fields[10]) / 100))
        line = (int(fields[2]), int(fields[3]), int(fields[4]))
        box = (int(fields[6]), int(fields[7]), int(fields[8]), int(fields[9]))
        words.append(Word(text, confidence, line, box))
    return words
