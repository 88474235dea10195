"""Decoding untrusted images under a budget: the one way an upload (a photo, a shelf
product's label photo, a label scan) is decoded. The header checks first (`photos.check_header`:
a bomb is refused in microseconds), then the decode in a child process under CPU-time and
memory limits (`services.budget.run_isolated`), holding one of the process's decode slots.
Refusals are 413 (`PhotoTooLarge`) or 422 on "file" (`PhotoRefused`), with a message for people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from needlecare import photos as domain
from needlecare.services import budget
from needlecare.services.errors import FieldError, Invalid, ServiceError

MAX_UPLOAD_BYTES = domain.MAX_BYTES
"""The domain's file limit (25 MiB); the web layer enforces it while the body streams in."""
Roi = tuple[int, int, int, int]


class PhotoTooLarge(ServiceError):
    """The upload is bigger than the accepted file size (413)."""

    status = 413
    code = "too_large"


class PhotoRefused(Invalid):
    """The domain refused the file (not an image, a bomb, truncated ...); 422 on `file`."""

    code = "photo_rejected"

    def __init__(self, rejected: domain.PhotoRejected) -> None:
        super().__init__([FieldError("file", rejected.message)], message=rejected.message)
        self.reason = str(rejected.reason)


def too_large() -> PhotoTooLarge:
    mib = MAX_UPLOAD_BYTES // (1024 * 1024)
    return PhotoTooLarge(
        f"The photo is larger than {mib} MB. Send it at the phone's normal size, or as a "
        "JPEG instead of a raw or uncompressed file."
    )


def decode_isolated(decode: Callable[..., Any], content: bytes, *args: Any) -> Any:
    """The one way an untrusted image is decoded: `decode(content, *args)` in the budgeted
    child, after the header checks; PhotoTooLarge (413) or PhotoRefused (422) otherwise."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise too_large()
    try:
        # What the header alone refuses (a bomb's size, pixels, memory, scans) is refused
        # here, in microseconds, without a decode slot or a child process.
        domain.check_header(content)
        with budget.expensive("decode"):
            return budget.run_isolated(decode, content, *args)
    except budget.TooCostly as costly:
        rejected = domain.PhotoRejected(
            domain.RejectReason.TOO_COSTLY,
            "The image needs too much time or memory to decode; please upload the photo as "
            "the phone saved it.",
        )
        raise PhotoRefused(rejected) from costly
    except domain.PhotoRejected as rejected:
        if rejected.reason is domain.RejectReason.TOO_LARGE:
            raise too_large() from rejected
        raise PhotoRefused(rejected) from rejected


def sanitize_upload(content: bytes) -> domain.SanitizedPhoto:
    """The guards every kept image passes (a photo, a shelf product's label photo): a clean
    JPEG and its thumbnail (`photos.sanitize`), decoded in the budgeted child."""
    clean: domain.SanitizedPhoto = decode_isolated(domain.sanitize, content)
    return clean


def readable_upload(content: bytes, max_long_side: int) -> bytes:
    """An image that is read, not kept (a label scan), through the same guards and budgeted
    decode: its pixels as a PNG of at most `max_long_side` (`photos.readable_copy`), which
    the server can then decode in-process at a bounded cost."""
    png: bytes = decode_isolated(domain.readable_copy, content, max_long_side)
    return png


def measure(image: bytes, roi: Roi | None = None) -> domain.PhotoMeasurement:
    # `image` is always our own re-encoded JPEG (never the upload): measured in-process,
    # at working size, but counted against the same decode slots.
    try:
        with budget.expensive("decode"):
            return domain.measure(image, roi)
    except domain.PhotoRejected as rejected:
        raise PhotoRefused(rejected) from rejected
    except domain.InvalidRoi as error:
        raise Invalid.field("roi", str(error)) from error
