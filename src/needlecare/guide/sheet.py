"""The personal aftercare sheet: the guide's statements and the waiting windows, as dates.

Dates are calendar arithmetic on the treatment date (day 0); a time zone (or `now`) only decides
which calendar day is "today". Everything returned is plain data ready for a template, the PDF
or JSON (`Sheet.to_dict()`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_decimal

from needlecare.guide.content import (
    LEVELS,
    Citation,
    Level,
    Statement,
    citation,
    fill_days,
    sheet_statements,
    with_condition,
)
from needlecare.guide.i18n import (
    N_,
    Translate,
    long_date,
    marked,
    parse_locale,
    plural_translator,
    translator,
)
from needlecare.guide.pages import raw_pages
from needlecare.guide.protocols import Protocol, effective_windows, tightened
from needlecare.knowledge.bands import Band, depth_band
from needlecare.knowledge.windows import Window

GROUP_TITLES = {
    "first_days": N_("Today and the first days"),
    "products": N_("When your products may come back"),
    "activities": N_("When activities may come back"),
    "warning_signs": N_("Warning signs and what to do"),
    "clinic": N_("Your clinic's own instructions"),
    "next_session": N_("Your next session"),
}
NEXT_SESSION = "next_session"
DEVICE_NAMES = {
    "pen": N_("microneedling pen"),
    "roller": N_("roller"),
    "stamp": N_("stamp"),
    "rf": N_("RF microneedling"),
}


@dataclass(frozen=True)
class SheetLine:
    text: str
    citations: tuple[Citation, ...]
    date: date | None = None
    day: int | None = None  # days after treatment (day 0 = treatment day)
    is_past: bool = False
    action: str | None = None
    level: Level | None = None
    window: str | None = None
    source_note: str | None = None  # set when a clinic protocol decided this line
    windows_stated: tuple[str, ...] = ()  # windows whose dates the text states


@dataclass(frozen=True)
class SheetGroup:
    key: str
    title: str
    lines: tuple[SheetLine, ...]

    def by_date(self) -> list[tuple[date | None, list[SheetLine]]]:
        """Lines gathered under their date, in order (a compact layout for the one-page PDF)."""
        gathered: dict[date | None, list[SheetLine]] = {}
        for line in self.lines:
            gathered.setdefault(line.date, []).append(line)
        return list(gathered.items())


@dataclass(frozen=True)
class Sheet:
    title: str
    treatment_date: date
    treatment_text: str
    today: date
    day_number: int
    today_text: str
    depth_mm: float
    device: str
    band: Band
    fitzpatrick: int | None
    locale: str
    protocol_name: str | None
    protocol_version: str | None
    protocol_text: str | None
    groups: tuple[SheetGroup, ...]
    disclaimer: str

    def group(self, key: str) -> SheetGroup:
        """A group by key; KeyError when the sheet has none (`clinic` without a protocol)."""
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, the band as its name."""
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def today_in(tz: str | None, now: datetime | None = None) -> date:
    """The calendar day at `now` (default: the current instant) in a time zone (default UTC)."""
    instant = now or datetime.now(UTC)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    try:
        zone = ZoneInfo(tz) if tz else UTC
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {tz!r} (use a name such as Europe/London)") from error
    return instant.astimezone(zone).date()


class _Dates:
    """Turns a window's day into a calendar date and its text for one treatment."""

    def __init__(self, treatment: date, today: date, band: Band, locale: str) -> None:
        self.treatment, self.today, self.band, self.locale = treatment, today, band, locale

    def on(self, day: int) -> date:
        return self.treatment + timedelta(days=day)

    def text(self, day: int) -> str:
        when = self.on(day)
        return long_date(when, self.locale, with_year=when.year != self.treatment.year)

    def write(self, what: str, window: Window) -> str:
        day = window.resume_day(self.band) if what == "day" else window.caution_until(self.band)
        return self.text(day)


def _check(fitzpatrick: int | None) -> None:
    if fitzpatrick is not None and (
        isinstance(fitzpatrick, bool)
        or not isinstance(fitzpatrick, int)
        or not 1 <= fitzpatrick <= 6
    ):
        raise ValueError(
            f"Fitzpatrick skin type must be a whole number from 1 to 6, not {fitzpatrick!r}"
        )


def build_aftercare_sheet(
    treatment_date: date,
    depth_mm: float,
    device: str,
    fitzpatrick: int | None = None,
    protocol: Protocol | None = None,
    locale: str = "en",
    tz: str | None = None,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> Sheet:
    """The personal sheet for one treatment; ValueError with a readable message on bad input."""
    band = depth_band(depth_mm, device)
    _check(fitzpatrick)
    locale = str(parse_locale(locale))
    _ = translator(locale)
    treatment = date(treatment_date.year, treatment_date.month, treatment_date.day)
    current = today or today_in(tz, now)
    dates = _Dates(treatment, current, band, locale)
    in_force = effective_windows(protocol)
    note = _("set by {protocol}").format(protocol=protocol.label) if protocol else None
    changed = set(tightened(protocol))
    statements = _sheet_statements(in_force, dates, locale)
    first_days = _statement_group("first_days", statements, band, fitzpatrick, _)
    # a window already dated in a first-days statement is not repeated below
    stated = {name for line in first_days.lines for name in line.windows_stated}
    groups = [
        first_days,
        _window_group("products", in_force, "flag", dates, changed, note, _, set()),
        _window_group("activities", in_force, "activity", dates, changed, note, _, stated),
        _statement_group("warning_signs", statements, band, fitzpatrick, _),
    ]
    if protocol and protocol.instructions:
        groups.append(_clinic_group(protocol, _))
    groups.append(_next_session(in_force[NEXT_SESSION], dates, changed, note, _))
    day_number = (current - treatment).days
    return Sheet(
        title=_("Your aftercare sheet"),
        treatment_date=treatment,
        treatment_text=_("Treatment on {date}: {depth} mm, {device}").format(
            date=long_date(treatment, locale, with_year=True),
            depth=format_decimal(depth_mm, locale=locale),
            device=marked(_, DEVICE_NAMES[device]),
        ),
        today=current,
        day_number=day_number,
        today_text=_today_text(day_number, current, locale, _),
        depth_mm=depth_mm,
        device=device,
        band=band,
        fitzpatrick=fitzpatrick,
        locale=locale,
        protocol_name=protocol.name if protocol else None,
        protocol_version=protocol.version if protocol else None,
        protocol_text=_("Clinic protocol: {protocol}").format(protocol=protocol.label)
        if protocol
        else None,
        groups=tuple(groups),
        disclaimer=_(
            "This sheet informs; it does not diagnose. If you feel very unwell, have trouble "
            "breathing, or swelling of the face, lips or tongue, call emergency services."
        ),
    )


def _today_text(day_number: int, today: date, locale: str, _: Translate) -> str:
    when = long_date(today, locale)
    if day_number < 0:
        ngettext = plural_translator(locale)
        return ngettext(
            "Today is {date}: your treatment is tomorrow.",
            "Today is {date}: your treatment is in {count} days.",
            -day_number,
        ).format(date=when, count=-day_number)
    if day_number == 0:
        return _("Today is {date}: the treatment day (day 0).").format(date=when)
    return _("Today is {date}: day {number} after your treatment.").format(
        date=when, number=day_number
    )


def _sheet_statements(
    in_force: Mapping[str, Window], dates: _Dates, locale: str
) -> list[Statement]:
    return [
        replace(s, text=fill_days(s.text, in_force, dates.write)) if s.windows else s
        for s in _sheet_templates(locale)
    ]


@cache
def _sheet_templates(locale: str) -> tuple[Statement, ...]:
    """The sheet's statements of every page, translated once, placeholders still to fill."""
    _ = translator(locale)
    found: list[Statement] = []
    for raw in raw_pages().values():
        found.extend(sheet_statements(raw, {}, _keep_placeholder, _))
    return tuple(found)


def _keep_placeholder(what: str, window: Window) -> str:
    return f"{{{what}:{window.name}}}"


def _statement_line(statement: Statement) -> SheetLine:
    return SheetLine(
        text=statement.text,
        citations=statement.citations,
        action=statement.action,
        level=statement.level,
        windows_stated=statement.windows,
    )


def _statement_group(
    key: str, statements: list[Statement], band: Band, fitzpatrick: int | None, _: Translate
) -> SheetGroup:
    """Statements the pages mark for this sheet group, for this band and skin type, most
    urgent first (stable: page order otherwise)."""
    chosen = [s for s in statements if s.sheet == key and s.applies_to(band, fitzpatrick)]
    chosen.sort(key=lambda s: LEVELS.index(s.level or "expected"))
    return SheetGroup(key, marked(_, GROUP_TITLES[key]), tuple(map(_statement_line, chosen)))


def _window_line(
    window: Window, dates: _Dates, changed: set[str], note: str | None, _: Translate
) -> SheetLine:
    day = window.resume_day(dates.band)
    data = _  # window labels are extracted from windows.toml by babel_extract
    label = data(window.label)
    text = _("From {date}: {label}").format(date=dates.text(day), label=label)
    caution = window.caution_until(dates.band)
    if caution > day:
        text += _(", with care until {date}").format(date=dates.text(caution))
    return _dated_line(with_condition(text, window, _), window, day, dates, changed, note)


def _dated_line(
    text: str, window: Window, day: int, dates: _Dates, changed: set[str], note: str | None
) -> SheetLine:
    """A line for `window` on `day` after treatment, with its sources; `note` when the
    clinic's protocol changed that window."""
    return SheetLine(
        text=text,
        citations=tuple(_citations(window)),
        date=dates.on(day),
        day=day,
        is_past=dates.on(day) < dates.today,
        window=window.name,
        source_note=note if window.name in changed else None,
    )


def _citations(window: Window) -> list[Citation]:
    return [citation(key) for key in window.cite]


def _window_group(
    key: str,
    in_force: Mapping[str, Window],
    kind: str,
    dates: _Dates,
    changed: set[str],
    note: str | None,
    _: Translate,
    stated: set[str],
) -> SheetGroup:
    chosen = [
        w
        for w in in_force.values()
        if w.kind == kind
        and w.name != NEXT_SESSION
        and w.name not in stated
        # day-0 routine steps (water, moisturiser) are in "first days"; products stay listed
        and (kind == "flag" or w.resume_day(dates.band) > 0)
    ]
    lines = sorted(
        (_window_line(w, dates, changed, note, _) for w in chosen),
        key=lambda line: (line.day or 0, line.text),
    )
    return SheetGroup(key, marked(_, GROUP_TITLES[key]), tuple(lines))


def _clinic_group(protocol: Protocol, _: Translate) -> SheetGroup:
    lines = tuple(
        SheetLine(
            text=instruction.text,
            citations=(
                Citation(instruction.source, _("clinic policy"), protocol.label)
                if instruction.is_clinic_policy
                else citation(instruction.source),
            ),
            source_note=_("set by {protocol}").format(protocol=protocol.label),
        )
        for instruction in protocol.instructions
    )
    return SheetGroup("clinic", marked(_, GROUP_TITLES["clinic"]), lines)


def _next_session(
    window: Window, dates: _Dates, changed: set[str], note: str | None, _: Translate
) -> SheetGroup:
    day = window.resume_day(dates.band)
    text = _("Not before {date}, and only once your skin has fully recovered.").format(
        date=dates.text(day)
    )
    line = _dated_line(text, window, day, dates, changed, note)
    return SheetGroup(NEXT_SESSION, marked(_, GROUP_TITLES[NEXT_SESSION]), (line,))
