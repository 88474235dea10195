"""Barcodes on a product photo (EAN/UPC and the other 1-D and 2-D codes zxing-cpp reads).

Shell side like the OCR: the photo is decoded by the upload guards first.
"""

from __future__ import annotations

import zxingcpp

from needlecare.photos.decode import open_photo

MAX_LONG_SIDE = 2000  # barcodes are large; a smaller decode is faster and reads as well


def read_barcodes(data: bytes) -> list[str]:
    """The codes on the photo, in the order found. Raises `PhotoRejected` for bad files."""
    image = open_photo(data, max_long_side=MAX_LONG_SIDE).image.convert("L")
    return [found.text for found in zxingcpp.read_barcodes(image) if found.text]
