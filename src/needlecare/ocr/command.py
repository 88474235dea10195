"""The image → result step of `needlecare ingredients --image PHOTO` (kept out of the CLI file).

`scan_photo_file` turns every way a scan can fail into `ScanFailed` with a one-line message,
so the command prints it and exits 2 like any other bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from needlecare.i18n_text import Text


class ScanFailed(ValueError):
    """The photo could not be read as an ingredient list; the message says why, for people:
    a `Text` (English as `str(error)`), said in the reader's language by `localize`. What the
    photo guard, the engine or the checker said is kept as it is inside it."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


def scan_photo_file(path: Path, day: int, band: str | None, rinse_off: bool) -> dict[str, Any]:
    from needlecare.ingredients import NotAnIngredientList
    from needlecare.ocr.scan import scan_label
    from needlecare.ocr.tesseract import OcrUnavailable
    from needlecare.photos.errors import PhotoRejected

    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ScanFailed(
            Text("cannot read {path}: {reason}", path=str(path), reason=reason)
        ) from error
    try:
        return scan_label(data, day=day, band=band, rinse_off=rinse_off)
    except PhotoRejected as error:
        raise ScanFailed(
            Text("{path} was refused as a photo: {reason}", path=str(path), reason=error.message)
        ) from error
    except OcrUnavailable as error:
        raise ScanFailed(
            Text("the photo could not be read ({reason}); type the list instead", reason=str(error))
        ) from error
    except NotAnIngredientList as error:
        raise ScanFailed(
            Text(
                "no ingredient list could be read in {path} ({reason}); "
                "try a sharper, closer photo of the list, or type it",
                path=str(path),
                reason=str(error),
            )
        ) from error


def ocr_notes(result: dict[str, Any], lang: str = "en") -> str:
    """Lines under the table: what the engine read and which names to check on the label,
    in `lang` (the catalogue is loaded only for another language than English)."""
    ocr = result["ocr"]
    to_check = result["verdict"]["check_against_label"]
    if lang == "en":
        lines = [f"Read from the photo by {ocr['engine']} (confidence {ocr['confidence']:.2f})."]
        if to_check:
            lines.append("Check these names against the label: " + "; ".join(to_check))
        return "\n".join(lines) + "\n"
    from needlecare.i18n import format_number, localize

    lines = [
        localize(
            lang,
            Text(
                "Read from the photo by {engine} (confidence {confidence}).",
                engine=ocr["engine"],
                confidence=format_number(ocr["confidence"], lang, 2),
            ),
        )
    ]
    if to_check:
        names = "; ".join(to_check)
        lines.append(
            localize(lang, Text("Check these names against the label: {names}", names=names))
        )
    return "\n".join(lines) + "\n"
