"""A clinic's logo, re-encoded for storage: decoded through the hostile-image guards of
`decode.open_photo`, fitted into LOGO_BOX, written as a fresh PNG (pixels only: EXIF, GPS,
ICC, comments and anything appended to the file are gone)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image

from needlecare.photos.decode import open_photo

LOGO_BOX = (480, 160)  # a header or a sheet shows it at most 240x80 CSS px (2x for HiDPI)


@dataclass(frozen=True)
class Logo:
    png: bytes
    width: int
    height: int
    sha256: str


def make_logo(data: bytes) -> Logo:
    """The logo to store; PhotoRejected (with a reason a person can read) for anything that
    is not a sound JPEG, PNG or HEIC image within the photo limits."""
    image = open_photo(data, max_long_side=max(LOGO_BOX) * 2).image
    image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    png = buffer.getvalue()
    return Logo(png, image.width, image.height, hashlib.sha256(png).hexdigest())
