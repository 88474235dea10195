"""Small helpers for HTML forms: read fields as text, turn service errors into inline errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from needlecare.services.errors import Invalid

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
    message = message.strip()
    if not message:
        return "Check this answer."
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


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
