"""Times on pages in the viewer's time zone: a patient's own zone (else their clinic's), a
staff member's clinic zone, else UTC (the same chain as services.clock). The `local_time`
template filter takes the zone the page's viewer was read with (web.pages.deps)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from babel.dates import format_datetime
from fastapi import Request
from jinja2 import pass_context

from needlecare.i18n import SOURCE_LOCALE, current_locale, parse_locale


def viewer_zone(request: Request) -> tzinfo:
    """The zone times are shown in for this request's viewer: read with the viewer
    (services.viewer, in the same unit of work); UTC for a visitor who is not logged in."""
    zone = getattr(request.state, "time_zone", None)
    return zone if isinstance(zone, tzinfo) else UTC


# CLDR patterns: the reader's language names the day and month ("sáb 5 dic, 14:03").
_PATTERNS = {"long": "EEE d MMM, HH:mm", "short": "d MMM HH:mm", "date": "d MMM y"}


def format_local(
    value: datetime, zone: tzinfo, style: str = "long", locale: str = SOURCE_LOCALE
) -> str:
    """'Sat 5 Dec, 14:03 GMT' (long, with the zone's abbreviation), '5 Dec 14:03' (short),
    '5 Dec 2026' (date), in `locale`'s words."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone)
    if locale == SOURCE_LOCALE:
        text = {
            "short": f"{local.day} {local:%b} {local:%H:%M}",
            "date": f"{local.day} {local:%b %Y}",
        }.get(style) or f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
    else:
        pattern = _PATTERNS.get(style, _PATTERNS["long"])
        text = format_datetime(local, pattern, tzinfo=zone, locale=parse_locale(locale))
    if style == "long":
        text = f"{text} {local.tzname() or ''}".rstrip()
    return text


@pass_context
def local_time(context: Any, value: datetime | None, style: str = "long") -> str:
    """Jinja filter: `{{ entry.at | local_time }}`; empty for None."""
    if value is None:
        return ""
    request = context.get("request")
    zone = viewer_zone(request) if isinstance(request, Request) else UTC
    return format_local(value, zone, style, current_locale())
