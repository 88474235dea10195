"""`Text`: English text that remembers its message and values (see needlecare.i18n).

Kept apart from needlecare.i18n, which imports Babel: the ingredient checker builds its
reasons as `Text`, and the one-shot `needlecare ingredients` (timed as a whole process) must not
pay for Babel when it speaks English.
"""

from __future__ import annotations

from datetime import date, datetime


class Text(str):
    """English text that remembers its message and values, so that it is translated where it
    is shown (a template's `_()`, `localize`), once the reader's locale is known. Code that
    builds words before it knows the reader (form errors, presenters) returns these.
    Dates and datetimes among the values are written the locale's way."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Text:
        english = {name: _english_value(value) for name, value in values.items()}
        text = super().__new__(cls, template.format(**english) if values else template)
        text.template = template
        text.values = values
        return text

    @classmethod
    def filled(cls, english: str, template: str, values: dict[str, object]) -> Text:
        """The Text that `Text(template, **values)` makes, when the caller already has its
        English (`english` must be exactly that); skips formatting (hot paths)."""
        text = super().__new__(cls, english)
        text.template = template
        text.values = values
        return text


def _english_value(value: object) -> object:
    if isinstance(value, datetime):
        return f"{value:%a} {value.day} {value:%b}, {value:%H:%M}"
    if isinstance(value, date):
        return f"{value:%a} {value.day} {value:%b %Y}"
    return value
