"""Issue 22: the notes under a scanned label (`needlecare ingredients --image --lang es`)."""

from __future__ import annotations

from needlecare.ocr.command import ocr_notes

from .untranslated import untranslated

RESULT = {
    "ocr": {"engine": "tesseract", "confidence": 0.615},
    "verdict": {"check_against_label": ["Glycerin", "Parfum"]},
}


def test_the_scan_notes_in_spanish() -> None:
    notes = ocr_notes(RESULT, "es")
    assert "Leído de la foto por tesseract (confianza 0,62)." in notes
    assert "Comprueba estos nombres en la etiqueta: Glycerin; Parfum" in notes
    assert untranslated(notes) == []
    english = ocr_notes(RESULT)
    assert "Read from the photo by tesseract (confidence 0.61)" in english  # unchanged
    assert "Read from the photo by" in " ".join(untranslated(english))
