"""Re-encode an uploaded photo for storage: oriented, sRGB, every metadata block removed."""

import hashlib
import io
from dataclasses import dataclass

from PIL import Image

from needlecare.photos import limits
from needlecare.photos.decode import open_photo
from needlecare.photos.errors import PhotoRejected, RejectReason


@dataclass(frozen=True)
class SanitizedPhoto:
    """A clean JPEG and its thumbnail, named by the SHA-256 of the clean JPEG."""

    image: bytes
    thumbnail: bytes
    sha256: str
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    source_format: str  # what was uploaded: "jpeg" | "png" | "heic"
    media_type: str = "image/jpeg"

    @property
    def filename(self) -> str:
        return f"{self.sha256}.jpg"

    @property
    def thumbnail_filename(self) -> str:
        return f"{self.sha256}.thumb.jpg"


def sanitize(data: bytes) -> SanitizedPhoto:
    """Validate `data` and return it re-encoded without metadata.

    Raises `PhotoRejected` (empty, too large, too many pixels, not an image, unsupported
    type, truncated, corrupt). EXIF orientation is applied and an embedded ICC profile is
    converted to sRGB before everything (EXIF, GPS, maker notes, XMP, ICC, comments) is
    dropped: the output carries pixels only.
    """
    decoded = open_photo(data)
    image = decoded.image
    clean = _encode_jpeg(image, limits.JPEG_QUALITY)
    # A resized copy, not a full-size copy shrunk afterwards: a 40 MP photo is 160 MB.
    ratio = limits.THUMBNAIL_LONG_SIDE / max(image.size)
    thumb_size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    thumb_image = image.resize(thumb_size, Image.Resampling.LANCZOS) if ratio < 1 else image
    thumbnail = _encode_jpeg(thumb_image, limits.THUMBNAIL_QUALITY)
    return SanitizedPhoto(
        image=clean,
        thumbnail=thumbnail,
        sha256=hashlib.sha256(clean).hexdigest(),
        width=image.width,
        height=image.height,
        thumbnail_width=thumb_image.width,
        thumbnail_height=thumb_image.height,
        source_format=decoded.source_format,
    )


def _encode_jpeg(image: Image.Image, quality: int) -> bytes:
    # Pillow writes EXIF/ICC/XMP only when passed to save(), but falls back to `info` for the
    # comment: an empty `info` and no metadata arguments leave pixels only (tests re-read it).
    image.info = {}
    out = io.BytesIO()
    try:
        image.save(out, format="JPEG", quality=quality, optimize=True)
    except (OSError, ValueError) as exc:
        raise PhotoRejected(
            RejectReason.CORRUPT, "The image could not be re-encoded for storage."
        ) from exc
    return out.getvalue()


# A label photo the browser holds between "Scan the label" and "Save to my products": small
# enough to ride along in the page's forms, sharp enough to read the list on it again.
CARRIED_STEPS: tuple[tuple[int, int], ...] = ((1600, 80), (1280, 72), (960, 65))
CARRIED_MAX_BYTES = 600 * 1024


def carried_copy(data: bytes) -> bytes:
    """A reduced copy of an uploaded photo without metadata (EXIF orientation applied, every
    EXIF, GPS, ICC, XMP and comment block dropped), at most `CARRIED_MAX_BYTES`: smaller
    steps of `CARRIED_STEPS` until it fits. Raises `PhotoRejected` like `sanitize`."""
    decoded = open_photo(data, max_long_side=CARRIED_STEPS[0][0])
    copy = b""
    for long_side, quality in CARRIED_STEPS:
        image = decoded.image
        ratio = long_side / max(image.size)
        if ratio < 1:
            size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
            image = image.resize(size, Image.Resampling.LANCZOS)
        copy = _encode_jpeg(image.copy(), quality)
        if len(copy) <= CARRIED_MAX_BYTES:
            break
    return copy


def readable_copy(data: bytes, max_long_side: int) -> bytes:
    """The upload's pixels for code that reads the image (OCR, barcodes): oriented, sRGB,
    8-bit, no metadata, at most `max_long_side` on the long side, as a lossless PNG (the
    reader sees the same pixels it would have decoded itself). Run in the budgeted child,
    so the server only ever decodes this file of bounded size. Raises `PhotoRejected` like
    `sanitize`."""
    image = open_photo(data, max_long_side=max_long_side).image
    ratio = max_long_side / max(image.size)
    if ratio < 1:  # open_photo reduces by whole factors only
        size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
        image = image.resize(size, Image.Resampling.BOX)
    out = io.BytesIO()
    try:
        image.save(out, format="PNG", compress_level=1)  # fast: it only crosses a pipe
    except (OSError, ValueError) as exc:
        raise PhotoRejected(RejectReason.CORRUPT, "The image could not be re-encoded.") from exc
    return out.getvalue()
