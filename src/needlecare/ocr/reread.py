"""Read again, on their own, the printed lines the engine was unsure of.

On a whole panel tesseract sometimes loses a line it reads perfectly when it sees that line
alone: the last line of a colour block, "77491, Cl 77492, C.I. 77499]", came back as
"7749. Cl 77492. Cl 77499]" with confidences 0.25, 0.03, 0.0 while the line cut out of the
same image reads exactly (the page layout analysis, not the letters, went wrong). So every
line with a word under `UNSURE` is cut out with a margin, the cuts are stacked on one clean
sheet, and the sheet is read in one more engine run (one process start, not one per line).
A line's new reading replaces the old one only when the engine is surer of it.
"""

from __future__ import annotations

import itertools
import re

import cv2
import numpy as np

from needlecare.ocr.prepare import to_png
from needlecare.ocr.tesseract import Word, recognise_words

_LETTERS_KEPT = 0.9
UNSURE = 0.5  # a clean label word scores 0.85-0.96; the lost lines had words under 0.3
MAX_LINES = 12  # a photo with more unsure lines than this is a retake, not a re-read
_PAD = 0.15  # of the line's height: the words' boxes hold their ink, this only a hair more
_SIDE = 0.4  # of the line's height, left and right
# Each line is scaled to this height (its words' boxes, ascenders to descenders): the engine
# misread "77491" as "T7491" in a line 55 px tall that it read exactly at 28-33 px.
_LINE_HEIGHT = 36
# "Uniform block of text": the sheet is a column of lines of one size.
_SHEET_SEGMENTATION = "6"

Line = list[Word]
_TOKEN = re.compile(r"\w+")


def reread_unsure_lines(
    grey: np.ndarray,
    words: list[Word],
    languages: tuple[str, ...] = ("eng",),
    understood: frozenset[str] = frozenset(),
) -> tuple[list[Line], list[tuple[int, Line]]]:
    """`words` as printed lines, and (line number, its reading alone) for each unsure line
    the engine is surer of alone. `understood`: the (lower-case) words of the names the
    checker recognised; an unsure word made of them ("‘Aqua" read at 0.45 beside a bullet)
    needs no second look, which saves the engine run on most photos. The caller decides
    which readings to keep (`read._reread`)."""
    lines = [list(group) for _, group in itertools.groupby(words, key=lambda word: word.line)]
    unsure = [index for index, line in enumerate(lines) if _unsure(line, understood)]
    if not unsure or len(unsure) > MAX_LINES:
        return lines, []
    sheet, bands = line_sheet(grey, [lines[index] for index in unsure])
    again = recognise_words(to_png(sheet), languages, _SHEET_SEGMENTATION)
    better: list[tuple[int, Line]] = []
    for index, (top, bottom) in zip(unsure, bands, strict=True):
        found = [word for word in again if top <= _middle(word) < bottom]
        if _better(found, lines[index]):
            line_id = lines[index][0].line
            better.append((index, [Word(w.text, w.confidence, line_id, w.box) for w in found]))
    return lines, better


def _unsure(line: Line, understood: frozenset[str]) -> bool:
    if not all(word.box[3] > 0 for word in line):
        return False
    return any(
        word.confidence < UNSURE
        and not set(map(str.lower, _TOKEN.findall(word.text))) <= understood
        for word in line
    )


def _better(new: Line, old: Line) -> bool:
    """Surer, and not by losing letters (a name read as "ES" with 0.73 is not better than
    "Aqua" with 0.45)."""
    return _score(new) > _score(old) and _letters(new) >= _LETTERS_KEPT * _letters(old)


def _letters(line: Line) -> int:
    return sum(character.isalnum() for word in line for character in word.text)


def _score(line: Line) -> float:
    """Confidence weighted by length: a sure short mark does not outweigh an unsure name."""
    weight = sum(len(word.text) for word in line)
    return sum(word.confidence * len(word.text) for word in line) / weight if weight else 0.0


def _middle(word: Word) -> float:
    return word.box[1] + word.box[3] / 2


def line_sheet(
    grey: np.ndarray, lines: list[Line], line_height: int = _LINE_HEIGHT
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Each line's own box (its words' boxes and a hair of margin) cut out and laid on a white
    sheet with a line's height of white around it, so neither the neighbour lines nor the
    panel's edge come along; each line's band (top, bottom) in the sheet."""
    height = grey.shape[0]
    cuts: list[np.ndarray] = []
    for line in lines:
        left = min(word.box[0] for word in line)
        top = min(word.box[1] for word in line)
        right = max(word.box[0] + word.box[2] for word in line)
        bottom = max(word.box[1] + word.box[3] for word in line)
        pad = max(2, round(_PAD * (bottom - top)))
        side = max(2, round(_SIDE * (bottom - top)))
        cut = grey[
            max(0, top - pad) : min(height, bottom + pad), max(0, left - side) : right + side
        ]
        factor = line_height / (bottom - top)
        cuts.append(cv2.resize(cut, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA))
    gap = max(cut.shape[0] for cut in cuts)
    sheet_width = max(cut.shape[1] for cut in cuts) + 2 * gap
    sheet_height = sum(cut.shape[0] for cut in cuts) + gap * (len(cuts) + 1)
    sheet = np.full((sheet_height, sheet_width), 255, dtype=np.uint8)
    bands: list[tuple[int, int]] = []
    cursor = gap
    for cut in cuts:
        sheet[cursor : cursor + cut.shape[0], gap : gap + cut.shape[1]] = cut
        bands.append((cursor, cursor + cut.shape[0]))
        cursor += cut.shape[0] + gap
    return sheet, bands
