"""Reading an ingredient label from a photo (OCR). Shell side: it runs the tesseract engine.

Entry points: `read_label(photo_bytes) -> LabelReading` (text, confidence, words) and
`scan_label(photo_bytes, day, ...)` in `needlecare.ocr.scan` (the checker's JSON plus "ocr").
The domain never imports this package (import-linter contract in pyproject.toml).
"""

from needlecare.ocr.read import LabelReading, read_label
from needlecare.ocr.tesseract import OcrUnavailable

__all__ = ["LabelReading", "OcrUnavailable", "read_label"]
