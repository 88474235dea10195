"""Lines the engine was unsure of are read again alone (needlecare.ocr.reread), and kept only
when the label then shows more ingredient names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from needlecare.ingredients import check_label
from needlecare.ocr import read
from needlecare.ocr.reread import line_sheet
from needlecare.ocr.tesseract import Word

PHOTOS = Path(__file__).parent / "photos"
# bench/ocr_labels.py --seed 21, clean set, photo 18: the panel's last line "77491, Cl 77492,
# C.I. 77499]" was read "7749. Cl 77492. Cl 77499]" (confidences 0.25, 0.03, 0.0).
FOUNDATION = PHOTOS / "clean_foundation_may_contain.jpg"


def _names(text: str) -> set[str]:
    return {i["name"] for i in check_label(text)["ingredients"] if i["recognized"]}


def test_a_colour_index_line_lost_on_the_panel_is_read_again_alone() -> None:
    truth = _names((PHOTOS / "clean_foundation_may_contain.txt").read_text("utf-8"))
    reading = read.read_label(FOUNDATION.read_bytes())
    assert "CI 77491" in _names(reading.text)
    assert _names(reading.text) == truth


def test_without_the_second_look_the_colour_is_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The photo above still shows the engine's page-level misreading (the test can fail)."""
    monkeypatch.setattr(read, "reread_unsure_lines", lambda *args: ([], []))
    assert "CI 77491" not in _names(read.read_label(FOUNDATION.read_bytes()).text)


def _line(number: int, *words: tuple[str, float]) -> list[Word]:
    return [Word(text, confidence, (1, 1, number), (0, 0, 10, 10)) for text, confidence in words]


def test_a_surer_reading_that_finds_no_more_names_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _line(1, ("‘Aqua,", 0.45), ("Glycerin,", 0.9))
    second = _line(2, ("Squalane,", 0.9), ("Cl", 0.2), ("7749.", 0.2))
    words = [*first, *second]
    agua = _line(1, ("Agua,", 0.95), ("Glycerin,", 0.95))  # surer, but loses Aqua
    colour = _line(2, ("Squalane,", 0.9), ("Cl", 0.9), ("77491", 0.9))  # finds CI 77491
    monkeypatch.setattr(
        read,
        "reread_unsure_lines",
        lambda *args: ([first, second], [(0, agua), (1, colour)]),
    )
    reading = read.LabelReading(read._text(words), read._confidence(words), tuple(words))
    again = read._reread(np.zeros((10, 10), dtype=np.uint8), reading)
    assert "Agua" not in again.text
    assert "AQUA" in _names(again.text) and "CI 77491" in _names(again.text)


def test_each_line_is_cut_to_its_own_box_and_scaled_to_one_height() -> None:
    grey = np.full((400, 600), 200, dtype=np.uint8)
    grey[100:160, 50:550] = 0  # a line 60 px tall
    grey[200:220, 50:300] = 0  # one 20 px tall
    lines = [
        [Word("a", 0.1, (1, 1, 1), (50, 100, 500, 60))],
        [Word("b", 0.1, (1, 1, 2), (50, 200, 250, 20))],
    ]
    sheet, bands = line_sheet(grey, lines)
    heights = [bottom - top for top, bottom in bands]
    assert max(heights) - min(heights) <= 0.2 * max(heights)  # both scaled to one height
    assert bands[0][1] < bands[1][0]  # in order, apart
    assert sheet.max() == 255 and (sheet == 255).mean() > 0.3  # on white
