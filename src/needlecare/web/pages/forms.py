"""Small helpers for HTML forms: read fields as text, turn service errors into inline errors."""

from __future__ import annotations

import binascii
from base64 import b64decode
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from needlecare.services.errors import Invalid
from needlecare.services.shelf_photos import SCAN_FIELD

MAX_FIELD_CHARS = 20_000


async def read_form(request: Request) -> FormData:
    return await request.form()


# The form, read in the event loop (a dependency), so that a route taking it can be a plain
# `def`, which FastAPI runs in its thread pool: its services block.
FormBody = Annotated[FormData, Depends(read_form)]


def text(form: FormData, name: str, limit: int = MAX_FIELD_CHARS) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def sentence(message: str) -> str:
    shown = message.strip()
    if not shown:
        return "Check this answer."
    shown = shown[:1].upper() + shown[1:]
    shown = shown if shown.endswith((".", "?", "!")) else shown + "."
    # Already a sentence: the message itself, so a `Text` keeps its values for translation.
    return message if shown == message else shown


def inline_errors(error: Invalid, field_for: Callable[[str], str] = lambda f: f) -> dict[str, str]:
    """Field path -> the one message shown under that field (first one wins)."""
    errors: dict[str, str] = {}
    for item in error.errors:
        errors.setdefault(field_for(item.field), sentence(item.message))
    return errors


def safe_next(target: Any) -> str | None:
    """Only same-site paths: `//evil.example` or `https://…` would be an open redirect."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


# The base64 of `photos.sanitize.carried_copy` (at most 600 KB), with room for padding.
MAX_CARRIED_CHARS = 820_000


def carried_photo(form: Mapping[str, Any]) -> str:
    """The scan's photo the page carries along (base64 text), or "" when there is none or it
    is not base64 of a bounded size. Only carried here: `shelf_photos.add_with_photo`
    decodes it through the upload's guards when the patient saves the product."""
    value = form.get(SCAN_FIELD)
    if not isinstance(value, str) or not value or len(value) > MAX_CARRIED_CHARS:
        return ""
    try:
        b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return ""
    return value
