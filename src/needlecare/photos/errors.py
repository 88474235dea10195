"""Typed errors of the photo domain; each carries a stable code and a user-facing message."""

from enum import StrEnum


class RejectReason(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_TYPE = "unsupported_type"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    TOO_SMALL = "too_small"
    TOO_COSTLY = "too_costly"


class PhotoRejected(ValueError):
    """The bytes are not an acceptable photo. `reason` is stable; `message` is for people."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __reduce__(self) -> tuple[type["PhotoRejected"], tuple[RejectReason, str]]:
        # Pickled across the process boundary of the isolated decoder: keep both arguments.
        return (PhotoRejected, (self.reason, self.message))

    def as_dict(self) -> dict[str, str]:
        return {"code": str(self.reason), "message": self.message}


class InvalidRoi(ValueError):
    """A manual region of interest that cannot be measured (outside the image, too small)."""


class IncomparableReports(ValueError):
    """`compare()` was given something that is not an `analyze()` report."""
