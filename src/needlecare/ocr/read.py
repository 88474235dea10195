"""read_label: photo bytes → the label's text, with the engine's confidence per word."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from needlecare.ocr.prepare import prepare, to_png
from needlecare.ocr.tesseract import ENGINE_NAME, Word, recognise_words

_BULLET_LOOKALIKES = re.compile(r"[*»«°+·•®©¢‘’]{1,3}")
_BULLET_MARKS = "*»«°+·•®¢‘’"
# A small bullet between two names is also read as a lone letter ("Glycerin e Squalane"); no
# ingredient name is one of these letters, so between two capitalised words it is a bullet.
_BULLET_LETTERS = frozenset({"e", "o", "c"})


@dataclass(frozen=True)
class LabelReading:
    text: str  # printed lines joined by newlines, as the ingredient parser expects
    confidence: float  # 0-1, mean word confidence weighted by word length
    words: tuple[Word, ...]
    engine: str = ENGINE_NAME
    # (name written into `text`, what the photo read) for each misread flagged name that
    # `needlecare.ocr.repair` replaced; the scan marks these to check against the label.
    repairs: tuple[tuple[str, str], ...] = ()


def read_label(data: bytes) -> LabelReading:
    """Read the text of a label photo. Raises `PhotoRejected` (bad file), `OcrUnavailable`."""
    words = recognise_words(to_png(prepare(data)))
    return LabelReading(_text(words), _confidence(words), tuple(words))


def _text(words: list[Word]) -> str:
    lines: list[list[str]] = []
    previous: tuple[int, int, int] | None = None
    for word in words:
        if word.line != previous:
            lines.append([])
            previous = word.line
        lines[-1].append(_repair(word.text))
    lines = [_letter_bullets(line) for line in lines]
    if sum(line.count("•") for line in lines) >= 3:
        # A bullet list: a bullet read stuck to a name ('EDTA*', '‘CERAMIDE') is a bullet too.
        lines = [[_split_stuck_bullet(word) for word in line] for line in lines]
    if not lines:
        return ""
    text = " ".join(lines[0])
    for before, line in itertools.pairwise(lines):
        text += _line_break(before[-1], line[0]) + " ".join(line)
    return text


def _line_break(last: str, first: str) -> str:
    """How to join two printed lines.

    "Ceteareth-" continues on the next line. Between two capitalised words ("Lactylate" /
    "Sodium") the line end may be the only separator the engine saw (a bullet too small to
    read), so it stays a line end: the parser splits there when both halves are names. Inside a
    sentence ("sulfates and" / "mineral oil.") it is a space, so the parser sees the sentence
    whole.
    """
    if last.endswith("-"):
        return ""
    if last[-1:].isalnum() and last[:1].isupper() and first[:1].isupper():
        return "\n"
    return " "


def _repair(word: str) -> str:
    """Fix the engine's common label misreadings.

    A bullet between names is read as '*', '»', '«', '°' or '+': a word made only of such
    marks is a bullet. A lower-case l is read as a bar ('Cocamidopropy|'); a bar standing
    alone (" | ") is a separator and is kept.
    """
    if _BULLET_LOOKALIKES.fullmatch(word):
        return "•"
    if "|" in word and any(character.isalpha() for character in word):
        return word.replace("|", "l")
    return word


def _letter_bullets(line: list[str]) -> list[str]:
    out = list(line)
    for index in range(1, len(line) - 1):
        if (
            line[index] in _BULLET_LETTERS
            and line[index - 1][:1].isupper()
            and line[index + 1][:1].isupper()
        ):
            out[index] = "•"
    return out


def _split_stuck_bullet(word: str) -> str:
    stripped = word.rstrip(_BULLET_MARKS)
    if stripped and stripped != word and stripped[-1].isalnum():
        word = f"{stripped} •"
    stripped = word.lstrip(_BULLET_MARKS)
    if stripped and stripped != word and stripped[0].isalnum():
        word = f"• {stripped}"
    return word


def _confidence(words: list[Word]) -> float:
    weight = sum(len(word.text) for word in words)
    if weight == 0:
        return 0.0
    return sum(word.confidence * len(word.text) for word in words) / weight
