"""Typed service errors; the web layer maps each to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    given: str | None = None  # what was typed, when it could not be read (kept, never lost)


class ServiceError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(ServiceError):
    """No valid credentials (401)."""

    status = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    """Authenticated but the role may not do this (403). Never used across clinics: that is 404."""

    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    """Absent, or belongs to another clinic/patient (404: existence never leaks)."""

    status = 404
    code = "not_found"

    def __init__(self, what: str = "resource") -> None:
        super().__init__(f"{what} not found")


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Invalid(ServiceError):
    """Bad input; `errors` names each bad field (dotted path, e.g. `symptoms.redness`)."""

    status = 422
    code = "invalid"

    def __init__(self, errors: list[FieldError], message: str = "invalid input") -> None:
        super().__init__(message)
        self.errors = errors

    @classmethod
    def field(cls, field: str, message: str) -> Invalid:
        return cls([FieldError(field, message)], message=f"{field}: {message}")
