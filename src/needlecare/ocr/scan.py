"""scan_label: a label photo → `check_label`'s JSON contract plus what the OCR read.

Adds `"ocr": {"engine", "text", "confidence", "languages"}` and, per ingredient,
`"ocr_confidence"` (0-1, the lowest confidence of the words that make up the name),
`"ocr_read_as"` (what the photo read when `needlecare.ocr.repair` took it for a flagged name,
else null) and `"ocr_check"`
(read with low confidence, only by a fuzzy match, or repaired: compare it with the label).
A list with names to check never gets a better verdict than "caution", and the verdict names them
(`verdict["check_against_label"]`): a misread retinoid must not come out as "ok".
"""

from __future__ import annotations

import re
from typing import Any

from needlecare.ingredients import check_label
from needlecare.ocr.read import LabelReading, read_label
from needlecare.ocr.repair import repair_reading

LOW_CONFIDENCE = 0.70  # tesseract's clean label words score 0.85-0.96
# Hangul, kana and kanji too: a Korean or Japanese name takes its own words' confidence.
_WORD = re.compile(
    r"[0-9A-Za-zÀ-ÿ\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3040-\u30ff\u4e00-\u9fff]+"
)
_SOURCE = "reference.md#AC-16"  # the checker's own citation for a name it cannot vouch for
_BETTER_THAN_CAUTION = frozenset({"ok", "recommended"})


def scan_label(
    data: bytes, day: int = 0, band: str | None = None, rinse_off: bool = False
) -> dict[str, Any]:
    """Read the photo and check the list. Raises `PhotoRejected`, `OcrUnavailable`, and
    `NotAnIngredientList` (nothing readable as a list) like `check_label`."""
    reading = repair_reading(read_label(data))
    result = check_label(reading.text, day=day, band=band, rinse_off=rinse_off)
    return with_ocr(result, reading)


def with_ocr(result: dict[str, Any], reading: LabelReading) -> dict[str, Any]:
    """`result` (check_label's JSON for `reading.text`) with the OCR fields added."""
    aligner = _Aligner(reading)
    to_check: list[str] = []
    described: list[str] = []
    for item in result["ingredients"]:
        confidence = aligner.confidence(item["raw"])
        item["ocr_confidence"] = round(confidence, 3)
        item["ocr_read_as"] = next(
            (
                read
                for written, read in reading.repairs
                if written.casefold() in item["raw"].casefold()
            ),
            None,
        )
        item["ocr_check"] = (
            confidence < LOW_CONFIDENCE
            or not item["recognized"]
            or item["match"] == "fuzzy"
            or item["ocr_read_as"] is not None
        )
        if item["ocr_check"]:
            to_check.append(item["raw"])
            read = item["ocr_read_as"]
            described.append(f"{item['raw']} (read as “{read}”)" if read else item["raw"])
    verdict = result["verdict"]
    verdict["check_against_label"] = to_check
    if to_check:
        if verdict["status"] in _BETTER_THAN_CAUTION:
            verdict["status"] = "caution"
        verdict["reasons"].append(
            {
                "ingredient": ", ".join(to_check),
                "flag": "ocr_uncertain",
                "text": "Read from the photo with low confidence: "
                + ", ".join(described)
                + ". Check these names against the label (or type the list) before "
                "relying on this verdict.",
                "source": _SOURCE,
                "status": "caution",
                "resume_day": None,
            }
        )
    result["ocr"] = {
        "engine": reading.engine,
        "text": reading.text,
        "confidence": round(reading.confidence, 3),
        "languages": reading.languages,
    }
    return result


class _Aligner:
    """Finds each ingredient's words in the OCR word stream, in order, for their confidences.

    In order, because the same word ("Alcohol") may be read well in one name and badly in
    another; a name not found in order (the parser rewrote it) takes its words' lowest
    confidence anywhere, and a name with no word found takes the photo's confidence.
    """

    _LOOK_AHEAD = 60  # tokens; the parser drops headers and claims between names

    def __init__(self, reading: LabelReading) -> None:
        self.tokens = [
            (token.lower(), word.confidence)
            for word in reading.words
            for token in _WORD.findall(word.text)
        ]
        self.position = 0
        self.overall = reading.confidence
        self.lowest: dict[str, float] = {}
        for token, confidence in self.tokens:
            self.lowest[token] = min(self.lowest.get(token, 1.0), confidence)

    def confidence(self, raw: str) -> float:
        wanted = [token.lower() for token in _WORD.findall(raw)]
        if not wanted:
            return self.overall
        end = min(len(self.tokens), self.position + self._LOOK_AHEAD)
        for start in range(self.position, end):
            if self.tokens[start][0] != wanted[0]:
                continue
            matched = [self.tokens[start][1]]
            cursor = start + 1
            for token in wanted[1:]:
                if cursor < len(self.tokens) and self.tokens[cursor][0] == token:
                    matched.append(self.tokens[cursor][1])
                    cursor += 1
            self.position = cursor
            return min(matched)
        found = [self.lowest[token] for token in wanted if token in self.lowest]
        return min(found) if found else self.overall
